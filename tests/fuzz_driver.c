/*
 * fuzz_driver.c: replays fuzz seed files through LLVMFuzzerTestOneInput, so
 * every ctest run (gcc builds included) exercises the fuzz targets' seeds.
 * Usage: <driver> FILE_OR_DIR...   Prints "N passed, 0 failed"; a crash or a
 * sanitizer report fails the test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    size_t got = fread(buf, 1, n > 0 ? (size_t)n : 0, f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, got);
    free(buf);
    return 1;
}

int main(int argc, char **argv)
{
    int count = 0, bad = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "missing seed path %s\n", argv[i]);
            bad++;
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *de;
            while (d && (de = readdir(d))) {
                if (de->d_name[0] == '.')
                    continue;
                char path[4096];
                snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
                int r = replay_file(path);
                count += r > 0;
                bad += r < 0;
            }
            if (d)
                closedir(d);
        } else {
            int r = replay_file(argv[i]);
            count += r > 0;
            bad += r < 0;
        }
    }
    printf("%d passed, %d failed\n", count, bad);
    return bad || count == 0;
}
