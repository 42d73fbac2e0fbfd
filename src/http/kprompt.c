/*
 * kprompt.c: kubectl's basic-auth prompt for an https cluster whose user has no
 * credential at all: the one place in src/http that reads and writes streams,
 * called by an edge (src/cmd) with stdin and stdout.
 * PARITY: clientcmd PromptingAuthLoader ("Please enter Username: ", a password
 * only from a terminal).
 */
#include "http/kprompt.h"

#include "base/strbuf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static char *kprompt_read_line(FILE *in)
{
    struct strbuf sb = STRBUF_INIT;
    int ch;
    bool any = false;
    while ((ch = fgetc(in)) != EOF) {
        any = true;
        if (ch == '\n')
            break;
        strbuf_addch(&sb, (char)ch);
    }
    if (!any) {
        strbuf_release(&sb);
        return NULL;
    }
    strbuf_add(&sb, "", 0);
    char *line = strbuf_detach(&sb, NULL);
    size_t n = strlen(line);
    if (n && line[n - 1] == '\r')
        line[n - 1] = '\0';
    return line;
}

int kprompt_basic(struct kconn *conn, FILE *in, FILE *out, struct ks_err *e)
{
    fputs("Please enter Username: ", out);
    fflush(out);
    char *user = kprompt_read_line(in);
    if (!user)
        return ks_fail(e, KS_EINPUT, "EOF");
    fputs("Please enter Password: ", out);
    fflush(out);
    if (!isatty(fileno(in))) {
        free(user);
        return ks_fail(e, KS_EINPUT, "error reading input for Password");
    }
    struct termios old, quiet;
    tcgetattr(fileno(in), &old);
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(fileno(in), TCSANOW, &quiet);
    char *pass = kprompt_read_line(in);
    tcsetattr(fileno(in), TCSANOW, &old);
    fputc('\n', out);
    if (!pass) {
        free(user);
        return ks_fail(e, KS_EINPUT, "error reading input for Password");
    }
    free(conn->username);
    free(conn->password);
    conn->username = user;
    conn->password = pass;
    conn->prompt_basic = false;
    return 0;
}
