/*
 * example.c: a program built against include/kubeshim.h alone and linked with
 * the static library kubeshim_engine, as a user of the engine would be. It
 * plans `kubectl apply` of fixtures/plan/example (recorded from kubectl 1.33)
 * and checks the patch byte for byte, applies it, and uses the other entry
 * points once each. Usage: kubeshim_example FIXTURE_DIR
 */
#include <kubeshim.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (!ok)
        failures++;
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    char *buf = NULL;
    size_t n = 0, cap = 0, r;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    do {
        if (n == cap) {
            cap = cap ? 2 * cap : 4096;
            buf = realloc(buf, cap + 1);
            if (!buf)
                abort();
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    struct kubeshim_error err;
    size_t mlen, llen, plen, n;
    char *out = NULL;

    if (argc != 2) {
        fprintf(stderr, "usage: kubeshim_example FIXTURE_DIR\n");
        return 2;
    }
    kubeshim_init();
    check(strcmp(kubeshim_version(), KUBESHIM_VERSION) == 0, "version");
    char *manifest = slurp(argv[1], "manifest.yaml", &mlen);
    char *live = slurp(argv[1], "live.json", &llen);
    char *want = slurp(argv[1], "patch.json", &plen);

    /* Metadata: a built-in kind has some, a custom resource none. */
    const struct kubeshim_schema *deploy = kubeshim_schema_builtin("apps/v1", "Deployment");
    check(deploy != NULL, "apps/v1 Deployment has built-in patch metadata");
    check(kubeshim_schema_builtin("example.com/v1", "Widget") == NULL,
          "a custom resource has none (JSON merge patch)");

    /* Plan the apply: the patch kubectl 1.33 sent, byte for byte. */
    struct kubeshim_plan_in in = {manifest, mlen, live, llen, deploy, "default", 1, 0};
    struct kubeshim_plan p;
    int rc = kubeshim_plan(&p, &in, &err);
    check(rc == 0 && p.op == KUBESHIM_OP_PATCH, "plan: patch");
    check(p.content_type &&
              strcmp(p.content_type, kubeshim_patch_content_type(KUBESHIM_PATCH_STRATEGIC)) == 0,
          "plan: strategic merge patch");
    check(p.body && p.body_len == plen && memcmp(p.body, want, plen) == 0,
          "plan: body equals kubectl's");
    if (rc)
        fprintf(stderr, "plan: %s\n", err.message);

    /* Apply it as the server would; planning again finds nothing to do. */
    rc = kubeshim_patch_apply(&out, &n, KUBESHIM_PATCH_STRATEGIC, live, llen, p.body, p.body_len,
                              deploy, &err);
    check(rc == 0 && strstr(out, "\"replicas\":5") != NULL, "apply: replicas 5");
    struct kubeshim_plan again;
    struct kubeshim_plan_in in2 = {manifest, mlen, out, n, deploy, "default", 1, 0};
    rc = kubeshim_plan(&again, &in2, &err);
    check(rc == 0 && again.op == KUBESHIM_OP_UNCHANGED, "second apply: unchanged");
    kubeshim_plan_release(&again);
    kubeshim_plan_release(&p);
    kubeshim_free(out);

    /* Documents: a manifest stream as JSON. */
    rc = kubeshim_manifest_to_json(&out, &n, manifest, mlen, "manifest.yaml", &err);
    check(rc == 0 && out[0] == '[' && strstr(out, "\"replicas\":5") != NULL, "manifest to JSON");
    kubeshim_free(out);
    const char *doc = "{ \"b\": 1.0, \"a\": \"<\" }";
    rc = kubeshim_json_canonical(&out, &n, doc, strlen(doc), &err);
    check(rc == 0 && strcmp(out, "{\"a\":\"\\u003c\",\"b\":1}") == 0, "canonical JSON");
    kubeshim_free(out);

    /* kubectl's three-way JSON merge patch (upstream jsonmergepatch three-way 005). */
    struct kubeshim_patch_in b = {KUBESHIM_PATCH_MERGE,
                                  "{\"name\":1}",
                                  10,
                                  "{\"value\":1}",
                                  11,
                                  "{\"name\":1,\"other\":\"a\"}",
                                  22,
                                  NULL,
                                  1};
    rc = kubeshim_patch_build(&out, &n, &b, &err);
    check(rc == 0 && strcmp(out, "{\"name\":null,\"value\":1}") == 0, "three-way merge patch");
    kubeshim_free(out);

    /* A JSON patch error, worded as kubectl 1.33 words it. */
    rc = kubeshim_patch_apply(&out, &n, KUBESHIM_PATCH_JSON, "{\"data\":{}}", 11,
                              "[{\"op\":\"remove\",\"path\":\"/data/zz\"}]", 35, NULL, &err);
    check(rc == KUBESHIM_EINVALID && out == NULL &&
              strcmp(err.message, "error in remove for path: '/data/zz': Unable to remove "
                                  "nonexistent key: zz: missing value") == 0,
          "JSON patch error");

    free(manifest);
    free(live);
    free(want);
    printf("%d failed\n", failures);
    return failures ? 1 : 0;
}
