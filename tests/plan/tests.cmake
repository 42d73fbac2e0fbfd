# The apply plan against kubectl 1.33's recorded requests (label kubectl-golden):
# one test per case of ../shared/corpus/kubectl-golden that sends a strategic or
# JSON merge PATCH, creates, or leaves an object unchanged.
ks_test_program(test_plan_golden ${CMAKE_CURRENT_LIST_DIR}/test_plan_golden.c
                ${CMAKE_CURRENT_LIST_DIR}/../lib/corpus_case.c
                MODULES ks_base ks_schemas ks_patch ks_merge)
set(_plan_golden ${KS_SHARED_DIR}/corpus/kubectl-golden)
# Every case that plans a PATCH, a create or an "unchanged"; left out: client
# dry-run (101), server-side apply (114, 115, 117) and prune (120), which the
# plan does not cover. Cases marked  need the YAML reader (skip until then).
set(KS_PLAN_GOLDEN_CASES
    001-create-configmap 003-create-namespace-cluster-scoped 004-create-clusterrole
    006-create-custom-resource 007-create-explicit-namespace 008-unchanged-configmap
    010-unchanged-custom-resource 011-unchanged-key-order-differs 012-scalar-replicas-change
    013-scalar-image-change 014-scalar-configmap-value-change 015-scalar-service-type-nodeport
    016-remove-configmap-key 017-remove-nested-resources-limits 018-remove-label
    019-remove-annotation 020-remove-spec-field 025-live-only-field-overridden
    026-live-only-injected-container 027-containers-add 029-containers-reorder
    031-initcontainers-add 032-env-add 033-env-remove-middle 036-env-remove-all
    037-env-duplicate-names 039-ports-remove 040-ports-same-containerport-two-protocols
    041-volumes-add 042-volumes-remove 043-volumemounts-change-mountpath
    045-volumes-emptydir-to-hostpath 046-tolerations-add 048-imagepullsecrets-add-remove
    049-args-change 050-command-remove 052-finalizers-remove 053-finalizers-live-only-kept
    054-strategy-rollingupdate-to-recreate 056-strategy-type-only-defaulted-live
    057-service-port-same-port-udp-added 058-service-port-remove 060-service-ports-reorder
    061-labels-add-remove-change 064-annotation-json-value 066-manifest-explicit-null
    072-cr-change-nested-and-list 075-list-kind-input 076-multi-document
    078-default-namespace-from-context 081-numbers-int-float 083-numbers-yaml11-forms
    084-booleans-yaml11 085-quoted-numeric-strings 086-replicas-as-float
    087-block-scalar-config 088-statefulset-volumeclaimtemplates
    089-daemonset-tolerations-and-env 090-cronjob-deep-template 091-job-create
    092-ingress-rules-change 093-rolebinding-subjects-add 094-role-rules-change
    097-pdb-int-to-percent 098-pod-spec-update 099-live-without-last-applied
    103-validate-false 105-conflict-retry-twice 106-conflict-retry-exhausted
    107-conflict-retry-exhausted-force 108-diff-deployment 109-diff-no-changes
    111-diff-custom-resource 112-diff-secret-masked)
if(NOT EXISTS ${_plan_golden} OR NOT KS_PYTHON3)
    add_test(NAME plan.golden COMMAND test_plan_golden --absent ${_plan_golden})
    set_tests_properties(plan.golden PROPERTIES LABELS kubectl-golden SKIP_RETURN_CODE 77)
else()
    foreach(c ${KS_PLAN_GOLDEN_CASES})
        string(SUBSTRING ${c} 0 3 _nnn)
        add_test(NAME plan.golden.${_nnn}
                 COMMAND test_plan_golden ${KS_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/case2json.py
                         ${_plan_golden}/${c})
        set_tests_properties(plan.golden.${_nnn} PROPERTIES LABELS kubectl-golden
                             SKIP_RETURN_CODE 77)
    endforeach()
endif()

# The offline commands `kubeshim build-patch` / `apply-patch` against outputs
# recorded from kubectl 1.33 (fixtures/plan/patchtool/record.py).
if(KS_PYTHON3 AND TARGET kubeshim)
    add_test(NAME plan.patchtool
             COMMAND ${KS_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/test_patchtool.py $<TARGET_FILE:kubeshim>
                     ${CMAKE_SOURCE_DIR}/fixtures/plan/patchtool/cases.json ${KS_SHARED_DIR})
    set_tests_properties(plan.patchtool PROPERTIES LABELS cli)
endif()
