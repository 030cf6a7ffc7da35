/*
 * xlsxwriter_peer: the libxlsxwriter peer of Benchmarks/compare.sh.
 *
 *     xlsxwriter_peer IN.csv OUT.xlsx
 *
 * Reads a CSV export (RFC 4180, header row first: the 31 columns of SPEC §5, as DuckDB selected
 * them for the same request) and writes the same rows to one worksheet with libxlsxwriter in
 * constant_memory mode, with the cell types SPEC §7 asks for: the number columns (step_index,
 * value, event_version, device_screen_width, device_screen_height) as numbers, `timestamp`
 * (YYYY-MM-DDThh:mm:ss[.fff]Z) as a date cell formatted yyyy-mm-dd hh:mm:ss.000, everything else
 * as strings; a bold, frozen header row with an autofilter, fixed column widths. Empty fields
 * are left empty. It does not select anything: the selection is DuckDB's work, timed apart.
 *
 * Build: cc -O2 -o xlsxwriter_peer xlsxwriter_peer.c $(pkg-config --cflags --libs xlsxwriter)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define MAX_FIELDS 64
#define EXCEL_MAX_ROWS 1048576

typedef struct {
    char *data;
    size_t len, cap;
} field_t;

static field_t fields[MAX_FIELDS];
static int nfields;

static void field_push(field_t *f, char c) {
    if (f->len + 1 >= f->cap) {
        f->cap = f->cap ? f->cap * 2 : 256;
        f->data = realloc(f->data, f->cap);
        if (!f->data) { perror("realloc"); exit(1); }
    }
    f->data[f->len++] = c;
}

/* Reads one CSV record into fields[]; returns 0 at end of input. */
static int read_record(FILE *in) {
    int c = getc_unlocked(in);
    if (c == EOF) return 0;
    nfields = 0;
    for (int i = 0; i < MAX_FIELDS; i++) fields[i].len = 0;
    field_t *f = &fields[0];
    int quoted = 0, at_start = 1;
    for (;;) {
        if (c == EOF) break;
        if (quoted) {
            if (c == '"') {
                int d = getc_unlocked(in);
                if (d == '"') { field_push(f, '"'); }
                else { quoted = 0; c = d; continue; }
            } else {
                field_push(f, (char)c);
            }
        } else if (c == '"' && at_start) {
            quoted = 1;
        } else if (c == ',') {
            field_push(f, 0); f->len--;
            if (++nfields >= MAX_FIELDS) { fprintf(stderr, "too many fields\n"); exit(1); }
            f = &fields[nfields];
            at_start = 1;
            c = getc_unlocked(in);
            continue;
        } else if (c == '\n') {
            break;
        } else if (c == '\r') {
            int d = getc_unlocked(in);
            if (d == '\n') break;
            field_push(f, '\r');
            c = d;
            at_start = 0;
            continue;
        } else {
            field_push(f, (char)c);
        }
        at_start = 0;
        c = getc_unlocked(in);
    }
    field_push(f, 0); f->len--;
    nfields++;
    return 1;
}

static long long days_from_civil(long long y, unsigned m, unsigned d) {
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

/* YYYY-MM-DDThh:mm:ss[.fff...]Z → Excel 1900-system serial; -1 if not that shape. */
static double excel_serial(const char *s, size_t n) {
    if (n < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ')) return -1;
    int y = atoi(s), mo = atoi(s + 5), d = atoi(s + 8), h = atoi(s + 11), mi = atoi(s + 14), se = atoi(s + 17);
    double frac = 0, scale = 0.1;
    for (size_t i = 20; i < n && s[19] == '.' && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10) frac += (s[i] - '0') * scale;
    long long days = days_from_civil(y, (unsigned)mo, (unsigned)d) + 25569; /* 1970-01-01 is serial 25569 */
    return (double)days + ((h * 60.0 + mi) * 60.0 + se + frac) / 86400.0;
}

enum { TEXT, NUMBER, DATE };

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s IN.csv OUT.xlsx\n", argv[0]); return 64; }
    FILE *in = fopen(argv[1], "rb");
    if (!in) { perror(argv[1]); return 66; }
    static char inbuf[1 << 20];
    setvbuf(in, inbuf, _IOFBF, sizeof inbuf);

    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(argv[2], &options);
    if (!wb) { fprintf(stderr, "cannot create %s\n", argv[2]); return 73; }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Step");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd hh:mm:ss.000");

    if (!read_record(in)) { fprintf(stderr, "empty input\n"); return 65; }
    int ncols = nfields, kind[MAX_FIELDS];
    for (int i = 0; i < ncols; i++) {
        const char *h = fields[i].data;
        kind[i] = !strcmp(h, "timestamp") ? DATE
                : (!strcmp(h, "step_index") || !strcmp(h, "value") || !strcmp(h, "event_version")
                   || !strcmp(h, "device_screen_width") || !strcmp(h, "device_screen_height")) ? NUMBER : TEXT;
        double width = kind[i] == DATE ? 23 : (!strcmp(h, "event_id") || strstr(h, "_id") || !strcmp(h, "label")) ? 38
                     : !strcmp(h, "page_url") ? 60 : 16;
        worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, width, NULL);
    }
    for (int i = 0; i < ncols; i++) worksheet_write_string(ws, 0, (lxw_col_t)i, fields[i].data, bold);
    worksheet_freeze_panes(ws, 1, 0);

    lxw_row_t row = 0;
    while (read_record(in)) {
        if (nfields == 1 && fields[0].len == 0) continue;
        if (++row >= EXCEL_MAX_ROWS) { fprintf(stderr, "more rows than one sheet holds\n"); return 65; }
        for (int i = 0; i < nfields && i < ncols; i++) {
            field_t *f = &fields[i];
            if (f->len == 0) continue;
            if (kind[i] == NUMBER) {
                char *end;
                double v = strtod(f->data, &end);
                if (*end == 0) { worksheet_write_number(ws, row, (lxw_col_t)i, v, NULL); continue; }
            } else if (kind[i] == DATE) {
                double serial = excel_serial(f->data, f->len);
                if (serial >= 61) { worksheet_write_number(ws, row, (lxw_col_t)i, serial, date); continue; }
            }
            worksheet_write_string(ws, row, (lxw_col_t)i, f->data, NULL);
        }
    }
    worksheet_autofilter(ws, 0, 0, row, (lxw_col_t)(ncols - 1));
    lxw_error err = workbook_close(wb);
    if (err) { fprintf(stderr, "libxlsxwriter: %s\n", lxw_strerror(err)); return 74; }
    fclose(in);
    fprintf(stderr, "xlsxwriter_peer: %u rows\n", (unsigned)row);
    return 0;
}
