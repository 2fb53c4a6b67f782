/* _govext.c: the Python binding's compiled hot path (a CPython extension, optional).
 *
 * What a decision from a dict cost through ctypes or cffi was mostly not libgov's: about
 * 40% of the instructions were Python's JSON encoder building the record's text and
 * 13% gov_decision_json writing a decision JSON that most hosts never read (the verdict
 * is what they act on). This module does the same work without either:
 *
 *   - encode(): a dict's JSON text written in C, byte for byte what the binding's json
 *     encoder writes (ASCII, escapes as json.encoder.encode_basestring_ascii, ints and
 *     floats as their repr, NaN and Infinity as json writes them), for the types records
 *     hold: str keys; str, int, float, bool, None, and lists, tuples and dicts of them.
 *     Anything else (a datetime, an int past 64 bits, a non-str key, a subclass of dict)
 *     goes to the Python encoder it was given, so every record means what it meant.
 *     The text goes to gov_eval_json: one decoder, the VM's, decides what a record means
 *     (keys, units, times), as for every other host.
 *   - Core.evaluate(): encode, evaluate with the GIL released, and return a Decision
 *     whose JSON is not written yet. The decision stays valid in the VM until its next
 *     evaluation, so the Core keeps the latest Decision, and settle() (called before
 *     anything else runs on the VM) writes its JSON into it if anyone else still holds
 *     it; a Decision nobody kept is dropped unwritten. Decision.json asks render().
 *
 * libgov's functions come as addresses from the ctypes library the package loaded
 * (setup()), so this module links nothing and uses the same copy of libgov. Every call
 * happens with the VM's lock held by the Python side (vm.py), and the GIL held except
 * around gov_eval_json.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <stdint.h>
#include <string.h>

#include "gov.h"

/* ---------------------------------------------------------------- libgov, by address */

static struct {
    const gov_decision *(*eval_json)(gov_vm *, const char *, size_t, uint64_t);
    int (*status)(const gov_decision *);
    int (*verdict)(const gov_decision *);
    uint64_t (*line)(const gov_decision *);
    const char *(*error)(const gov_decision *);
    int (*json)(const gov_decision *, char *, size_t, size_t *);
    PyTypeObject *decision;   /* gov.Decision */
    Py_ssize_t off[7];        /* its slots' offsets, in SLOTS order; off[0] 0: call it */
    PyObject *record_error;   /* gov.RecordError */
    PyObject *gov_error;      /* gov.GovError */
    PyObject *fallback;       /* dict -> str: the Python json encoder */
    PyObject *canon;          /* vm._canon(name, type, value): a field value the typed path
                                 does not convert itself, in its setter's form */
    int (*record_begin)(gov_vm *, int);
    int (*set_int)(gov_vm *, int, int64_t);
    int (*set_float)(gov_vm *, int, double);
    int (*set_string)(gov_vm *, int, const char *, size_t);
    int (*set_strings)(gov_vm *, int, const char *const *, const size_t *, size_t);
    const gov_decision *(*eval)(gov_vm *);
    PyObject *sev[3];         /* "info" .. "critical" */
    PyObject *verdicts[5];    /* "allow" .. "block" */
    int ready;
} G;

/* ---------------------------------------------------------------- a growable buffer */

typedef struct {
    char *p;
    size_t n, cap;
} Buf;

static int buf_grow_slow(Buf *b, size_t more);

static inline int buf_grow(Buf *b, size_t more)
{
    return b->cap - b->n >= more ? 0 : buf_grow_slow(b, more);
}

static int buf_grow_slow(Buf *b, size_t more)
{
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->n < more) {
        if (cap > PY_SSIZE_T_MAX / 2) {
            PyErr_NoMemory();
            return -1;
        }
        cap *= 2;
    }
    char *p = PyMem_Realloc(b->p, cap);
    if (!p) {
        PyErr_NoMemory();
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

static inline int buf_put(Buf *b, const char *s, size_t n)
{
    if (buf_grow(b, n)) return -1;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    return 0;
}

/* ---------------------------------------------------------------- the encoder */

/* 1: the value has a type this encoder does not write (the Python encoder takes the
 * whole record); -1: a Python error; 0: written. */
enum { ENC_OK = 0, ENC_PY = 1, ENC_ERR = -1 };
#define ENC_MAX_DEPTH 200 /* deeper: the Python encoder (its RecursionError, as before) */

static const char HEX[] = "0123456789abcdef";

/* ESC[c]: the byte c (a Latin-1 character) needs an escape: below 0x20, '"', '\\', or
 * outside printable ASCII (json's ensure_ascii). */
static unsigned char ESC[256];

static void esc_init(void)
{
    for (int c = 0; c < 256; c++) ESC[c] = c < 0x20 || c >= 0x7f || c == '"' || c == '\\';
}

static int put_u16(Buf *b, unsigned c)
{
    char e[6] = {'\\', 'u', HEX[(c >> 12) & 15], HEX[(c >> 8) & 15], HEX[(c >> 4) & 15], HEX[c & 15]};
    return buf_put(b, e, 6);
}

/* As json.encoder.encode_basestring_ascii: \" \\ \n \r \t \b \f by name, other
 * characters below 0x20 and every one above 0x7e as \uXXXX (a surrogate pair above
 * U+FFFF), lowercase hex. */
static int enc_str(Buf *b, PyObject *s)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    if (buf_grow(b, (size_t)n + 2)) return ENC_ERR;
    b->p[b->n++] = '"';
    if (kind == PyUnicode_1BYTE_KIND) {
        /* The common case (Latin-1 text): room for the worst case (every character
         * \uXXXX) once, then bytes written in place. */
        const unsigned char *u = data;
        if (buf_grow(b, (size_t)n * 6 + 1)) return ENC_ERR;
        char *o = b->p + b->n;
        for (Py_ssize_t i = 0; i < n; i++) {
            unsigned c = u[i];
            if (!ESC[c]) {
                *o++ = (char)c;
                continue;
            }
            *o++ = '\\';
            switch (c) {
            case '"': *o++ = '"'; break;
            case '\\': *o++ = '\\'; break;
            case '\n': *o++ = 'n'; break;
            case '\r': *o++ = 'r'; break;
            case '\t': *o++ = 't'; break;
            case '\b': *o++ = 'b'; break;
            case '\f': *o++ = 'f'; break;
            default:
                *o++ = 'u';
                *o++ = '0';
                *o++ = '0';
                *o++ = HEX[c >> 4];
                *o++ = HEX[c & 15];
            }
        }
        b->n = (size_t)(o - b->p);
    } else {
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            int rc;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                char ch = (char)c;
                rc = buf_put(b, &ch, 1);
            } else if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
                char e[2] = {'\\', c == '"' ? '"' : c == '\\' ? '\\' : c == '\n' ? 'n' : c == '\r' ? 'r'
                                   : c == '\t' ? 't' : c == '\b' ? 'b' : 'f'};
                rc = buf_put(b, e, 2);
            } else if (c > 0xffff) {
                Py_UCS4 v = c - 0x10000;
                rc = put_u16(b, 0xd800 | ((v >> 10) & 0x3ff));
                if (!rc) rc = put_u16(b, 0xdc00 | (v & 0x3ff));
            } else {
                rc = put_u16(b, c);
            }
            if (rc) return ENC_ERR;
        }
    }
    return buf_put(b, "\"", 1) ? ENC_ERR : ENC_OK;
}

static int enc_value(Buf *b, PyObject *v, int depth);

static int enc_dict(Buf *b, PyObject *d, int depth)
{
    if (buf_put(b, "{", 1)) return ENC_ERR;
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    int first = 1;
    while (PyDict_Next(d, &pos, &k, &v)) {
        if (!PyUnicode_CheckExact(k)) return ENC_PY; /* json turns int, float, bool keys into text */
        if (!first && buf_put(b, ",", 1)) return ENC_ERR;
        first = 0;
        int rc = enc_str(b, k);
        if (rc) return rc;
        if (buf_put(b, ":", 1)) return ENC_ERR;
        /* The dict may change under a value's encoding only through Python code, which
         * this encoder never runs (it takes no __repr__, no default). */
        if ((rc = enc_value(b, v, depth + 1))) return rc;
    }
    return buf_put(b, "}", 1) ? ENC_ERR : ENC_OK;
}

static int enc_value(Buf *b, PyObject *v, int depth)
{
    if (depth > ENC_MAX_DEPTH) return ENC_PY;
    if (PyUnicode_CheckExact(v)) return enc_str(b, v);
    if (v == Py_None) return buf_put(b, "null", 4) ? ENC_ERR : ENC_OK;
    if (v == Py_True) return buf_put(b, "true", 4) ? ENC_ERR : ENC_OK;
    if (v == Py_False) return buf_put(b, "false", 5) ? ENC_ERR : ENC_OK;
    if (PyLong_CheckExact(v)) {
        int over = 0;
        long long x = PyLong_AsLongLongAndOverflow(v, &over);
        if (over) return ENC_PY; /* past 64 bits: the Python encoder writes every digit */
        if (x == -1 && PyErr_Occurred()) return ENC_ERR;
        char t[24], *e = t + sizeof t, *q = e;
        unsigned long long m = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;
        do {
            *--q = (char)('0' + m % 10);
            m /= 10;
        } while (m);
        if (x < 0) *--q = '-';
        return buf_put(b, q, (size_t)(e - q)) ? ENC_ERR : ENC_OK;
    }
    if (PyFloat_CheckExact(v)) {
        double x = PyFloat_AS_DOUBLE(v);
        if (x != x) return buf_put(b, "NaN", 3) ? ENC_ERR : ENC_OK;
        if (x > 1.7976931348623157e308) return buf_put(b, "Infinity", 8) ? ENC_ERR : ENC_OK;
        if (x < -1.7976931348623157e308) return buf_put(b, "-Infinity", 9) ? ENC_ERR : ENC_OK;
        char *s = PyOS_double_to_string(x, 'r', 0, Py_DTSF_ADD_DOT_0, NULL); /* float.__repr__ */
        if (!s) return ENC_ERR;
        int rc = buf_put(b, s, strlen(s)) ? ENC_ERR : ENC_OK;
        PyMem_Free(s);
        return rc;
    }
    if (PyDict_CheckExact(v)) return enc_dict(b, v, depth);
    if (PyList_CheckExact(v) || PyTuple_CheckExact(v)) {
        if (buf_put(b, "[", 1)) return ENC_ERR;
        /* A list can change length only by Python code, which nothing here runs. */
        Py_ssize_t n = PySequence_Fast_GET_SIZE(v);
        PyObject **items = PySequence_Fast_ITEMS(v);
        for (Py_ssize_t i = 0; i < n; i++) {
            if (i && buf_put(b, ",", 1)) return ENC_ERR;
            int rc = enc_value(b, items[i], depth + 1);
            if (rc) return rc;
        }
        return buf_put(b, "]", 1) ? ENC_ERR : ENC_OK;
    }
    return ENC_PY;
}

/* The record's JSON text into b (reset first): 0, or -1 with a Python exception. */
static int encode_record(Buf *b, PyObject *rec)
{
    b->n = 0;
    int rc = PyDict_CheckExact(rec) ? enc_dict(b, rec, 1) : ENC_PY;
    if (rc == ENC_ERR) return -1;
    if (rc == ENC_OK) return 0;
    /* The Python encoder: the same text for what both write, and its errors (TypeError
     * for a value with no JSON form, RecursionError for a record inside itself). */
    PyObject *s = PyObject_CallOneArg(G.fallback, rec);
    if (!s) return -1;
    Py_ssize_t n;
    const char *u = PyUnicode_Check(s) ? PyUnicode_AsUTF8AndSize(s, &n) : NULL;
    if (!u) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "the record encoder did not return a str");
        Py_DECREF(s);
        return -1;
    }
    b->n = 0;
    rc = buf_put(b, u, (size_t)n);
    Py_DECREF(s);
    return rc;
}

/* ---------------------------------------------------------------- Decision objects */

/* gov.Decision's slots (vm.py). A Decision is made here by filling them, as its __init__
 * would with (verdict, line, None, None, None, core): a Python __init__ call was a fifth
 * of what the binding added to a decision. When the class does not have these slots as
 * plain object members, the class is called instead. */
static const char *const SLOTS[7] = {"verdict", "line", "_json", "_data", "_trace", "trace_error", "_core"};

static int find_slots(PyTypeObject *t)
{
    memset(G.off, 0, sizeof G.off);
    Py_ssize_t off[7];
    for (int i = 0; i < 7; i++) {
        PyObject *d = PyDict_GetItemString(t->tp_dict, SLOTS[i]); /* borrowed */
        if (!d || Py_TYPE(d) != &PyMemberDescr_Type) return 0;
        PyMemberDef *m = ((PyMemberDescrObject *)d)->d_member;
        if (m->type != T_OBJECT_EX || m->flags || m->offset <= 0 ||
            (size_t)m->offset + sizeof(PyObject *) > (size_t)t->tp_basicsize)
            return 0;
        off[i] = m->offset;
    }
    memcpy(G.off, off, sizeof off);
    return 1;
}

static PyObject *new_decision(PyObject *verdict, PyObject *line, PyObject *core)
{
    PyTypeObject *t = G.decision;
    if (!G.off[0]) {
        PyObject *a[6] = {verdict, line, Py_None, Py_None, Py_None, core};
        return PyObject_Vectorcall((PyObject *)t, a, 6, NULL);
    }
    PyObject *o = t->tp_alloc(t, 0);
    if (!o) return NULL;
    PyObject *v[7] = {verdict, line, Py_None, Py_None, Py_None, Py_None, core};
    for (int i = 0; i < 7; i++) *(PyObject **)((char *)o + G.off[i]) = Py_NewRef(v[i]);
    return o;
}

/* ---------------------------------------------------------------- Core */

typedef struct Set Set;
typedef struct {
    Set *set;
    size_t nset, capset;
    const char **items;
    size_t *lens;
    size_t nitems, capitems;
    PyObject *own;            /* a list of the converted values that hold the bytes */
} Plan;

typedef struct {
    PyObject_HEAD
    gov_vm *vm;
    Buf in;                   /* the record's JSON text */
    Buf out;                  /* a decision's JSON text */
    const gov_decision *d;    /* the latest decision, valid until the next evaluation */
    PyObject *pending;        /* its Decision, JSON not yet written; or NULL */
    Plan plan;                /* the typed entry point's fields, reused */
    PyObject *keep;           /* what the VM's memory belongs to (its arena, its Policy):
                                 a pending Decision holds this Core, so the decision it
                                 renders stays readable after the VM object is gone */
} Core;

static PyObject *decision_bytes(Core *c)
{
    size_t len = 0;
    int rc = G.json(c->d, c->out.p, c->out.cap, &len);
    if (rc == GOV_ESPACE) {
        if (buf_grow(&c->out, len + 1)) return NULL;
        rc = G.json(c->d, c->out.p, c->out.cap, &len);
    }
    if (rc != GOV_OK) {
        PyObject *e = PyObject_CallFunction(G.gov_error, "is", rc, "cannot write the decision");
        if (e) {
            PyErr_SetObject(G.gov_error, e);
            Py_DECREF(e);
        }
        return NULL;
    }
    return PyBytes_FromStringAndSize(c->out.p, (Py_ssize_t)len);
}

/* Write the pending Decision's JSON into it if someone still holds it; forget it. */
static int settle(Core *c)
{
    PyObject *p = c->pending;
    if (!p) return 0;
    int rc = 0;
    if (Py_REFCNT(p) > 1) {
        PyObject *j = decision_bytes(c);
        rc = j ? PyObject_SetAttrString(p, "_json", j) : -1;
        Py_XDECREF(j);
    }
    c->pending = NULL;
    Py_DECREF(p);
    return rc;
}

static PyObject *Core_settle(Core *c, PyObject *unused)
{
    if (settle(c)) return NULL;
    Py_RETURN_NONE;
}

/* render(decision): the JSON bytes of the pending decision (Decision.json). */
static PyObject *Core_render(Core *c, PyObject *dec)
{
    if (dec != c->pending) {
        PyErr_SetString(PyExc_RuntimeError, "gov: this decision's JSON was not kept");
        return NULL;
    }
    PyObject *j = decision_bytes(c);
    if (!j) return NULL;
    if (PyObject_SetAttrString(dec, "_json", j)) {
        Py_DECREF(j);
        return NULL;
    }
    c->pending = NULL;
    Py_DECREF(dec);
    return j;
}

static PyObject *Core_encode(Core *c, PyObject *rec)
{
    if (encode_record(&c->in, rec)) return NULL;
    return PyBytes_FromStringAndSize(c->in.p, (Py_ssize_t)c->in.n);
}

static PyObject *finish(Core *c, const gov_decision *d);

/* evaluate(record, line): record a dict, str or bytes; a Decision, or RecordError. */
static PyObject *Core_evaluate(Core *c, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "evaluate(record, line)");
        return NULL;
    }
    if (!c->vm) {
        PyErr_SetString(PyExc_RuntimeError, "a Core without a VM");
        return NULL;
    }
    PyObject *rec = args[0];
    if (!PyDict_Check(rec) && !PyBytes_Check(rec) && !PyUnicode_Check(rec))
        return PyErr_Format(PyExc_TypeError, "a record is a dict or a JSON str or bytes, not %s",
                            Py_TYPE(rec)->tp_name);
    unsigned long long line = PyLong_Check(args[1]) ? PyLong_AsUnsignedLongLong(args[1]) : (unsigned long long)-1;
    if (line == (unsigned long long)-1 && (!PyLong_Check(args[1]) || PyErr_Occurred())) {
        PyErr_Clear();
        PyErr_SetString(PyExc_ValueError, "line must be an int from 0 to 2**64-1");
        return NULL;
    }
    const char *text;
    size_t len;
    PyObject *hold = NULL;
    if (PyDict_Check(rec)) {
        if (encode_record(&c->in, rec)) return NULL;
        text = c->in.p ? c->in.p : "";
        len = c->in.n;
    } else if (PyBytes_Check(rec)) {
        text = PyBytes_AS_STRING(rec);
        len = (size_t)PyBytes_GET_SIZE(rec);
        hold = Py_NewRef(rec);
    } else {
        /* As the Python path: UTF-8, lone surrogates kept (the VM refuses them). */
        hold = PyUnicode_AsEncodedString(rec, "utf-8", "surrogatepass");
        if (!hold) return NULL;
        text = PyBytes_AS_STRING(hold);
        len = (size_t)PyBytes_GET_SIZE(hold);
    }
    if (settle(c)) {
        Py_XDECREF(hold);
        return NULL;
    }
    const gov_decision *d;
    gov_vm *vm = c->vm;
    Py_BEGIN_ALLOW_THREADS
    d = G.eval_json(vm, text, len, (uint64_t)line);
    Py_END_ALLOW_THREADS
    Py_XDECREF(hold);
    return finish(c, d);
}

/* The Decision (or RecordError) of d, the VM's latest decision. */
static PyObject *finish(Core *c, const gov_decision *d)
{
    c->d = d;
    int st = G.status(d);
    if (st != GOV_OK) {
        /* As the Python path: the message decoded with U+FFFD for what is not UTF-8. */
        const char *m = G.error(d);
        PyObject *msg = PyUnicode_DecodeUTF8(m, (Py_ssize_t)strlen(m), "replace");
        if (!msg) return NULL;
        PyObject *e = PyObject_CallFunction(G.record_error, "iNK", st, msg, (unsigned long long)G.line(d));
        if (e) {
            PyErr_SetObject(G.record_error, e);
            Py_DECREF(e);
        }
        return NULL;
    }
    int v = G.verdict(d);
    if (v < 0 || v > 4) {
        PyErr_Format(PyExc_RuntimeError, "gov: verdict %d out of range", v);
        return NULL;
    }
    PyObject *ln = PyLong_FromUnsignedLongLong(G.line(d));
    if (!ln) return NULL;
    PyObject *dec = new_decision(G.verdicts[v], ln, (PyObject *)c);
    Py_DECREF(ln);
    if (!dec) return NULL;
    c->pending = Py_NewRef(dec);
    return dec;
}

/* ---------------------------------------------------------------- the typed entry point */

/* One field to set: its slot, the setter (0 int, 1 float, 2 string, 3 strings) and its
 * value; strings point into Python objects that `own` (or the fields dict) keeps alive. */
struct Set {
    int slot, how;
    int64_t i;
    double f;
    const char *s;
    size_t len;
    size_t first, n;          /* strings: items[first .. first + n) */
};

static int plan_grow(Plan *p)
{
    if (p->nset < p->capset) return 0;
    size_t cap = p->capset ? p->capset * 2 : 32;
    Set *n = PyMem_Realloc(p->set, cap * sizeof *n);
    if (!n) {
        PyErr_NoMemory();
        return -1;
    }
    p->set = n;
    p->capset = cap;
    return 0;
}

static int plan_item(Plan *p, const char *s, size_t len)
{
    if (p->nitems == p->capitems) {
        size_t cap = p->capitems ? p->capitems * 2 : 32;
        const char **ni = PyMem_Realloc(p->items, cap * sizeof *ni);
        if (!ni) {
            PyErr_NoMemory();
            return -1;
        }
        p->items = ni;
        size_t *nl = PyMem_Realloc(p->lens, cap * sizeof *nl);
        if (!nl) {
            PyErr_NoMemory();
            return -1;
        }
        p->lens = nl;
        p->capitems = cap;
    }
    p->items[p->nitems] = s;
    p->lens[p->nitems++] = len;
    return 0;
}

/* The setter class of a type code: 0 int, 1 float, 2 string, 3 strings; -1 none. */
static int how_of(long t)
{
    switch (t) {
    case GOV_INT: case GOV_DURATION: case GOV_TIME: case GOV_MONEY: case GOV_BOOL: case GOV_SEVERITY: case GOV_VERDICT: return 0;
    case GOV_FLOAT: case GOV_RATIO: return 1;
    case GOV_STRING: case GOV_ID: return 2;
    case GOV_STRINGS: return 3;
    default: return -1;
    }
}

/* A str's UTF-8 bytes, or NULL (no error set) when it has none (lone surrogates). */
static const char *utf8_of(PyObject *v, size_t *len)
{
    Py_ssize_t n;
    const char *u = PyUnicode_AsUTF8AndSize(v, &n);
    if (!u) {
        PyErr_Clear();
        return NULL;
    }
    *len = (size_t)n;
    return u;
}

/* Convert v, the value of field `name` (slot, type t), into the plan: the plain cases
 * here, the rest through vm._canon, which converts or raises as the ctypes path does. */
static int plan_field(Plan *p, PyObject *name, int slot, long t, PyObject *v)
{
    int how = how_of(t);
    if (plan_grow(p)) return -1;
    Set *x = &p->set[p->nset];
    memset(x, 0, sizeof *x);
    x->slot = slot;
    x->how = how;
    int done = 0;
    switch (t) {
    case GOV_INT: case GOV_DURATION: case GOV_TIME: case GOV_MONEY:
        if (PyLong_CheckExact(v)) {
            int over = 0;
            long long i = PyLong_AsLongLongAndOverflow(v, &over);
            if (i == -1 && PyErr_Occurred()) return -1;
            if (!over) x->i = i, done = 1;
        }
        break;
    case GOV_BOOL:
        if (v == Py_True || v == Py_False) x->i = v == Py_True, done = 1;
        break;
    case GOV_SEVERITY: case GOV_VERDICT:
        if (PyUnicode_CheckExact(v)) {
            PyObject *const *names = t == GOV_SEVERITY ? G.sev : G.verdicts;
            int k = t == GOV_SEVERITY ? 3 : 5;
            for (int i = 0; i < k && !done; i++) {
                int eq = PyUnicode_Compare(v, names[i]);
                if (eq == -1 && PyErr_Occurred()) return -1;
                if (eq == 0) x->i = i, done = 1;
            }
        }
        break;
    case GOV_FLOAT: case GOV_RATIO:
        if (PyFloat_CheckExact(v)) x->f = PyFloat_AS_DOUBLE(v), done = 1;
        break;
    case GOV_STRING: case GOV_ID:
        if (PyUnicode_CheckExact(v) && (x->s = utf8_of(v, &x->len))) done = 1;
        break;
    case GOV_STRINGS:
        if (PyList_CheckExact(v) || PyTuple_CheckExact(v)) {
            Py_ssize_t n = PySequence_Fast_GET_SIZE(v);
            PyObject **it = PySequence_Fast_ITEMS(v);
            size_t first = p->nitems;
            done = 1;
            for (Py_ssize_t i = 0; i < n && done; i++) {
                size_t len;
                const char *u = PyUnicode_CheckExact(it[i]) ? utf8_of(it[i], &len) : NULL;
                if (!u) done = 0;
                else if (plan_item(p, u, len)) return -1;
            }
            if (done) x->first = first, x->n = p->nitems - first;
            else p->nitems = first;
        }
        break;
    }
    if (!done) {
        PyObject *tt = PyLong_FromLong(t);
        if (!tt) return -1;
        PyObject *a[3] = {name, tt, v};
        PyObject *cv = PyObject_Vectorcall(G.canon, a, 3, NULL);
        Py_DECREF(tt);
        if (!cv) return -1;
        int rc = PyList_Append(p->own, cv);   /* keeps the bytes alive until the record is set */
        Py_DECREF(cv);
        if (rc) return -1;
        if (how == 0 && PyLong_CheckExact(cv)) {
            x->i = PyLong_AsLongLong(cv);
            if (x->i == -1 && PyErr_Occurred()) return -1;
        } else if (how == 1 && PyFloat_CheckExact(cv)) {
            x->f = PyFloat_AS_DOUBLE(cv);
        } else if (how == 2 && PyBytes_CheckExact(cv)) {
            x->s = PyBytes_AS_STRING(cv);
            x->len = (size_t)PyBytes_GET_SIZE(cv);
        } else if (how == 3 && PyList_CheckExact(cv)) {
            x->first = p->nitems;
            for (Py_ssize_t i = 0; i < PyList_GET_SIZE(cv); i++) {
                PyObject *b = PyList_GET_ITEM(cv, i);
                if (!PyBytes_CheckExact(b)) {
                    PyErr_SetString(PyExc_TypeError, "gov: _canon gave a list of something other than bytes");
                    return -1;
                }
                if (plan_item(p, PyBytes_AS_STRING(b), (size_t)PyBytes_GET_SIZE(b))) return -1;
            }
            x->n = p->nitems - x->first;
        } else {
            PyErr_Format(PyExc_TypeError, "gov: _canon gave %s for a field of type %ld", Py_TYPE(cv)->tp_name, t);
            return -1;
        }
    }
    p->nset++;
    return 0;
}

/* evaluate_fields(kind index, {name: (slot, type)}, fields, kind name): the typed entry
 * point. Every value is converted before the record begins, so a bad one changes
 * nothing; what libgov refuses (a NUL in an element, a cap, a range) poisons the record
 * and comes back from gov_eval as RecordError. */
static PyObject *Core_evaluate_fields(Core *c, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyLong_Check(args[0]) || !PyDict_Check(args[1]) || !PyDict_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "evaluate_fields(kind, spec, fields, kind_name)");
        return NULL;
    }
    if (!c->vm) {
        PyErr_SetString(PyExc_RuntimeError, "a Core without a VM");
        return NULL;
    }
    long kind = PyLong_AsLong(args[0]);
    if (kind == -1 && PyErr_Occurred()) return NULL;
    PyObject *spec = args[1], *fields = args[2];
    Plan *p = &c->plan;
    p->nset = p->nitems = 0;
    p->own = PyList_New(0);
    if (!p->own) return NULL;
    PyObject *res = NULL;
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    while (PyDict_Next(fields, &pos, &k, &v)) {
        if (v == Py_None) continue;
        PyObject *e = PyDict_GetItemWithError(spec, k);   /* borrowed */
        if (!e) {
            if (PyErr_Occurred()) goto out;
            PyObject *ex = PyObject_CallFunction(G.record_error, "iN", GOV_EFIELD,
                                                 PyUnicode_FromFormat("record kind %U has no field %R", args[3], k));
            if (ex) {
                PyErr_SetObject(G.record_error, ex);
                Py_DECREF(ex);
            }
            goto out;
        }
        if (!PyTuple_CheckExact(e) || PyTuple_GET_SIZE(e) != 2) {
            PyErr_SetString(PyExc_TypeError, "gov: a field spec is (slot, type)");
            goto out;
        }
        long slot = PyLong_AsLong(PyTuple_GET_ITEM(e, 0)), t = PyLong_AsLong(PyTuple_GET_ITEM(e, 1));
        if ((slot == -1 || t == -1) && PyErr_Occurred()) goto out;
        if (how_of(t) < 0) {
            /* A type a record cannot set: _canon says so. */
            PyObject *tt = PyLong_FromLong(t);
            if (tt) {
                PyObject *a[3] = {k, tt, v};
                PyObject *r = PyObject_Vectorcall(G.canon, a, 3, NULL);
                Py_XDECREF(r);
                Py_DECREF(tt);
                if (r) PyErr_Format(PyExc_TypeError, "field %R cannot be set", k);
            }
            goto out;
        }
        if (plan_field(p, k, (int)slot, t, v)) goto out;
    }
    if (settle(c)) goto out;
    gov_vm *vm = c->vm;
    G.record_begin(vm, (int)kind);   /* a kind out of range: gov_eval says so */
    for (size_t i = 0; i < p->nset; i++) {
        const Set *x = &p->set[i];
        switch (x->how) {   /* a failure poisons the record: gov_eval reports it */
        case 0: G.set_int(vm, x->slot, x->i); break;
        case 1: G.set_float(vm, x->slot, x->f); break;
        case 2: G.set_string(vm, x->slot, x->s, x->len); break;
        default: G.set_strings(vm, x->slot, p->items + x->first, p->lens + x->first, x->n); break;
        }
    }
    const gov_decision *d;
    Py_BEGIN_ALLOW_THREADS
    d = G.eval(vm);
    Py_END_ALLOW_THREADS
    res = finish(c, d);
out:
    Py_CLEAR(p->own);
    return res;
}

static int Core_init(Core *c, PyObject *args, PyObject *kw)
{
    unsigned long long addr;
    PyObject *keep;
    if (!G.ready) {
        PyErr_SetString(PyExc_RuntimeError, "gov: _govext.setup() first");
        return -1;
    }
    if (!PyArg_ParseTuple(args, "KO", &addr, &keep)) return -1;
    if (!addr) {
        PyErr_SetString(PyExc_ValueError, "a NULL VM");
        return -1;
    }
    if (c->vm) {
        PyErr_SetString(PyExc_RuntimeError, "a Core is made once");
        return -1;
    }
    c->vm = (gov_vm *)(uintptr_t)addr;
    c->keep = Py_NewRef(keep);
    return 0;
}

/* A pending Decision refers to its Core, and the Core to it: a cycle the collector
 * breaks when both are garbage. */
static int Core_traverse(Core *c, visitproc visit, void *arg)
{
    Py_VISIT(c->pending);
    Py_VISIT(c->keep);
    return 0;
}

static int Core_clear(Core *c)
{
    Py_CLEAR(c->plan.own);
    Py_CLEAR(c->pending);
    Py_CLEAR(c->keep);
    return 0;
}

static void Core_dealloc(Core *c)
{
    PyObject_GC_UnTrack(c);
    Core_clear(c);
    PyMem_Free(c->in.p);
    PyMem_Free(c->out.p);
    PyMem_Free(c->plan.set);
    PyMem_Free(c->plan.items);
    PyMem_Free(c->plan.lens);
    Py_TYPE(c)->tp_free((PyObject *)c);
}

static PyMethodDef Core_methods[] = {
    {"evaluate", (PyCFunction)(void (*)(void))Core_evaluate, METH_FASTCALL,
     "evaluate(record, line) -> Decision: a dict, str or bytes through gov_eval_json"},
    {"encode", (PyCFunction)Core_encode, METH_O, "encode(dict) -> bytes: the record's JSON text"},
    {"evaluate_fields", (PyCFunction)(void (*)(void))Core_evaluate_fields, METH_FASTCALL,
     "evaluate_fields(kind, spec, fields, kind_name) -> Decision: the typed entry point"},
    {"settle", (PyCFunction)Core_settle, METH_NOARGS,
     "write the latest decision's JSON into it if it is still held; call before the VM runs again"},
    {"render", (PyCFunction)Core_render, METH_O, "render(decision) -> bytes: its JSON, written now"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject CoreType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "gov._govext.Core",
    .tp_basicsize = sizeof(Core),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = (traverseproc)Core_traverse,
    .tp_clear = (inquiry)Core_clear,
    .tp_doc = "One VM's hot path (vm.py holds the VM's lock around every call).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Core_init,
    .tp_dealloc = (destructor)Core_dealloc,
    .tp_methods = Core_methods,
};

/* ---------------------------------------------------------------- module */

static int addr_of(PyObject *map, const char *name, void **out)
{
    PyObject *v = PyDict_GetItemString(map, name);
    if (!v) {
        PyErr_Format(PyExc_KeyError, "setup: no address for %s", name);
        return -1;
    }
    unsigned long long a = PyLong_AsUnsignedLongLong(v);
    if (a == (unsigned long long)-1 && PyErr_Occurred()) return -1;
    if (!a) {
        PyErr_Format(PyExc_ValueError, "setup: NULL address for %s", name);
        return -1;
    }
    *out = (void *)(uintptr_t)a;
    return 0;
}

/* setup(addresses, Decision, RecordError, GovError, fallback encoder, canon) */
static PyObject *mod_setup(PyObject *m, PyObject *args)
{
    PyObject *map, *dn, *re, *ge, *fb, *cn;
    if (!PyArg_ParseTuple(args, "O!O!OOOO", &PyDict_Type, &map, &PyType_Type, &dn, &re, &ge, &fb, &cn)) return NULL;
    void *p[12];
    const char *names[12] = {"gov_eval_json", "gov_decision_status", "gov_decision_verdict", "gov_decision_line",
                             "gov_decision_error", "gov_decision_json", "gov_record_begin", "gov_set_int",
                             "gov_set_float", "gov_set_string", "gov_set_strings", "gov_eval"};
    for (int i = 0; i < 12; i++)
        if (addr_of(map, names[i], &p[i])) return NULL;
    memcpy(&G.record_begin, &p[6], sizeof p[6]);
    memcpy(&G.set_int, &p[7], sizeof p[7]);
    memcpy(&G.set_float, &p[8], sizeof p[8]);
    memcpy(&G.set_string, &p[9], sizeof p[9]);
    memcpy(&G.set_strings, &p[10], sizeof p[10]);
    memcpy(&G.eval, &p[11], sizeof p[11]);
    Py_XSETREF(G.canon, Py_NewRef(cn));
    static const char *sn[3] = {"info", "warning", "critical"};
    for (int i = 0; i < 3; i++) {
        if (!G.sev[i]) {
            G.sev[i] = PyUnicode_InternFromString(sn[i]);
            if (!G.sev[i]) return NULL;
        }
    }
    /* Function pointers from data pointers: POSIX guarantees the round trip (dlsym). */
    memcpy(&G.eval_json, &p[0], sizeof p[0]);
    memcpy(&G.status, &p[1], sizeof p[1]);
    memcpy(&G.verdict, &p[2], sizeof p[2]);
    memcpy(&G.line, &p[3], sizeof p[3]);
    memcpy(&G.error, &p[4], sizeof p[4]);
    memcpy(&G.json, &p[5], sizeof p[5]);
    Py_XSETREF(G.decision, (PyTypeObject *)Py_NewRef(dn));
    find_slots(G.decision);
    Py_XSETREF(G.record_error, Py_NewRef(re));
    Py_XSETREF(G.gov_error, Py_NewRef(ge));
    Py_XSETREF(G.fallback, Py_NewRef(fb));
    static const char *vn[5] = {"allow", "warn", "review", "pause", "block"};
    for (int i = 0; i < 5; i++) {
        if (!G.verdicts[i]) {
            G.verdicts[i] = PyUnicode_InternFromString(vn[i]);
            if (!G.verdicts[i]) return NULL;
        }
    }
    G.ready = 1;
    Py_RETURN_NONE;
}

static PyObject *mod_direct(PyObject *m, PyObject *unused)
{
    return PyBool_FromLong(G.off[0] != 0);
}

/* encode(record) without a VM, for tests: bytes. */
static PyObject *mod_encode(PyObject *m, PyObject *rec)
{
    if (!G.ready) {
        PyErr_SetString(PyExc_RuntimeError, "gov: _govext.setup() first");
        return NULL;
    }
    Buf b = {0};
    if (encode_record(&b, rec)) {
        PyMem_Free(b.p);
        return NULL;
    }
    PyObject *r = PyBytes_FromStringAndSize(b.p ? b.p : "", (Py_ssize_t)b.n);
    PyMem_Free(b.p);
    return r;
}

static PyMethodDef mod_methods[] = {
    {"setup", mod_setup, METH_VARARGS, "setup(addresses, Decision, RecordError, GovError, fallback, canon)"},
    {"direct", mod_direct, METH_NOARGS, "True when Decisions are made by filling their slots"},
    {"encode", mod_encode, METH_O, "encode(record) -> bytes: a dict's JSON text, as the binding's encoder"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef mod = {PyModuleDef_HEAD_INIT, "_govext",
                                 "gov's compiled hot path: dicts to JSON in C, decisions written on demand.", -1,
                                 mod_methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__govext(void);
PyMODINIT_FUNC PyInit__govext(void)
{
    esc_init();
    if (PyType_Ready(&CoreType) < 0) return NULL;
    PyObject *m = PyModule_Create(&mod);
    if (!m) return NULL;
    if (PyModule_AddObjectRef(m, "Core", (PyObject *)&CoreType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
