/* Parses a file with expat (namespace processing on) in 4 KiB chunks, for the instruction
 * counts and MB/s of benches/scripts/callgrind.sh and table.py.
 *
 * usage: expat_once FILE [RUNS]
 * Prints "parser=expat bytes=N events=E" and, with RUNS > 1, the best MB/s of RUNS passes.
 * Only parse_once() parses, so callgrind --toggle-collect='*parse_once*' counts just expat.
 */
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK 4096

struct tally {
    unsigned long events;
    unsigned long attrs;
    unsigned long text;
};

static void XMLCALL on_start(void *data, const XML_Char *name, const XML_Char **atts) {
    struct tally *t = data;
    (void)name;
    t->events++;
    for (; atts[0]; atts += 2) {
        t->attrs += strlen(atts[1]);
    }
}

static void XMLCALL on_end(void *data, const XML_Char *name) {
    struct tally *t = data;
    (void)name;
    t->events++;
}

static void XMLCALL on_text(void *data, const XML_Char *s, int len) {
    struct tally *t = data;
    (void)s;
    t->events++;
    t->text += (unsigned long)len;
}

__attribute__((noinline)) static int parse_once(const char *doc, size_t len, struct tally *t) {
    XML_Parser p = XML_ParserCreateNS(NULL, '\x01');
    if (!p) {
        return -1;
    }
    XML_SetUserData(p, t);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    int ok = 0;
    for (size_t at = 0; at < len; at += CHUNK) {
        size_t n = len - at < CHUNK ? len - at : CHUNK;
        if (XML_Parse(p, doc + at, (int)n, at + n == len) != XML_STATUS_OK) {
            fprintf(stderr, "expat: %s at line %lu\n", XML_ErrorString(XML_GetErrorCode(p)),
                    (unsigned long)XML_GetCurrentLineNumber(p));
            ok = -1;
            break;
        }
    }
    XML_ParserFree(p);
    return ok;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE [RUNS]\n", argv[0]);
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 1;
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *doc = malloc((size_t)len);
    if (!doc || fread(doc, 1, (size_t)len, f) != (size_t)len) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    fclose(f);
    double best = 0;
    struct tally t;
    for (int r = 0; r < (runs < 1 ? 1 : runs); r++) {
        memset(&t, 0, sizeof t);
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (parse_once(doc, (size_t)len, &t) != 0) {
            return 1;
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
        double mbs = (double)len / s / 1e6;
        if (mbs > best) {
            best = mbs;
        }
    }
    printf("parser=expat bytes=%ld events=%lu", len, t.events);
    if (runs > 1) {
        printf(" best_mb_s=%.1f", best);
    }
    printf("\n");
    free(doc);
    return 0;
}
