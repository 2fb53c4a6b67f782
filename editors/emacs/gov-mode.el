;;; gov-mode.el --- Major mode for gov policies  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "26.1"))
;; Keywords: languages

;;; Commentary:

;; gov-mode edits gov policy files (.gov): highlighting, indentation, comments, and a
;; Flymake backend that runs `govc check' on the buffer.
;;
;; The token classes and their faces match the VS Code grammar and the Vim syntax file
;; (the table is in editors/README.md): tests/editors checks all three against the same
;; syntax-test files and against the keywords of lang/lexer.re and lang/names.def.
;;
;; Install: put this file on `load-path', then
;;   (require 'gov-mode)
;;   (add-hook 'gov-mode-hook #'flymake-mode)   ; optional: check as you type

;;; Code:

(require 'flymake)

(defgroup gov nil
  "Editing gov policies."
  :group 'languages
  :prefix "gov-")

(defcustom gov-indent-offset 2
  "Columns per level of brackets."
  :type 'integer
  :safe #'integerp)

(defcustom gov-govc-program "govc"
  "The govc program that `gov-flymake' runs as PROGRAM check --policy-of FILE."
  :type 'string)

;;;; Faces: the classes Emacs has no face for.

(defface gov-number-face
  '((t :inherit font-lock-constant-face))
  "Plain numbers: 42, 1_000, 0.25, 1e-3.")

(defface gov-unit-literal-face
  '((t :inherit font-lock-constant-face))
  "Numbers with a unit: 250ms, 95%, $0.12, 2026-01-31T09:30:00Z.")

(defface gov-escape-face
  `((t :inherit ,(if (facep 'font-lock-escape-face)
                     'font-lock-escape-face
                   'font-lock-regexp-grouping-backslash)))
  "Escapes in strings: \\n, \\\", \\u{1F600}.")

(defface gov-invalid-face
  '((t :inherit font-lock-warning-face))
  "What the lexer rejects: an unknown escape, a number glued to an unknown unit.")

;;;; Words.  tests/editors checks these against lang/lexer.re and lang/names.def.

(defconst gov-keywords
  '("policy" "module" "import" "record" "from" "in" "channel" "max" "min" "scope"
    "tenant" "project" "workflow" "agent" "rule" "on" "when" "for" "clear" "after"
    "severity" "verdict" "notify" "escalate" "window" "over" "last" "runs" "per"
    "where" "capacity" "lateness" "drift" "of" "baseline" "current" "test" "bins"
    "min_samples" "gate" "approvers" "sla" "timeout" "escalation" "repeat" "extern"
    "fn" "given" "at" "expect" "fired" "not" "and" "or" "if" "then" "else"
    "approve" "reject" "ack" "tick" "by" "mock" "waive" "until" "group_by" "group_wait" "repeat_interval" "silence" "every" "inhibit" "allowlist" "denylist")
  "Reserved words highlighted as keywords.")

(defconst gov-booleans '("true" "false"))
(defconst gov-severities '("info" "warning" "critical"))
(defconst gov-verdicts '("allow" "warn" "review" "pause" "block" "deny"))

(defconst gov-field-keywords '("tenant" "project" "workflow" "agent" "at")
  "Keywords that are also field names: plain text before ':'.")

(defconst gov-types
  '("int" "float" "ratio" "duration" "time" "money" "bool" "string" "strings" "id"
    "severity" "verdict"))
(defconst gov-units
  '("ms" "ns" "us" "s" "m" "h" "d" "usd" "cents" "micros" "fraction" "percent"
    "rfc3339" "unix_s" "unix_ms" "unix_ns")
  "Units of record fields, after `in'.")
(defconst gov-channel-kinds '("slack" "pagerduty" "email" "webhook"))
(defconst gov-aggregates
  '("count" "sum" "mean" "min" "max" "rate" "stddev" "ewma" "p50" "p90" "p95" "p99")
  "Window aggregates (AGG of lang/names.def), highlighted when called.")
(defconst gov-functions
  '("abs" "min" "max" "clamp" "round" "len" "starts_with" "ends_with" "contains"
    "iequals" "matches" "hour_of_day" "day_of_week" "is_business_hours" "any_in" "all_in")
  "Built-in functions (FUNC of lang/names.def), highlighted when called.")
(defconst gov-statistics '("psi" "ks" "mean_shift"))

(defconst gov--ident "[A-Za-z_][A-Za-z0-9_]*")

;;;; Syntax.

(defvar gov-mode-syntax-table
  (let ((st (make-syntax-table)))
    ;; // line comments (style b) and /* block comments */ (style a), not nested.
    (modify-syntax-entry ?/ ". 124b" st)
    (modify-syntax-entry ?* ". 23" st)
    (modify-syntax-entry ?\n "> b" st)
    (modify-syntax-entry ?\" "\"" st)
    (modify-syntax-entry ?\\ "\\" st)
    (modify-syntax-entry ?_ "_" st)
    (dolist (c '(?$ ?% ?. ?: ?, ?\; ?= ?+ ?- ?< ?> ?! ?' ?` ?&))
      (modify-syntax-entry c "." st))
    st)
  "Syntax table of `gov-mode'.")

(defun gov--syntax-propertize (start end)
  "End unterminated strings at the end of their line, as the lexer does.
Between START and END, the opening quote and the newline of each such string
become string fences.  A backslash just before that newline escapes nothing
(the lexer ends the string before it), so it becomes punctuation."
  (goto-char start)
  (while (re-search-forward "\"\\(?:[^\"\\\n]\\|\\\\.\\)*\\(\\\\\\)?\n" end t)
    (let ((open (match-beginning 0))
          (backslash (match-beginning 1))
          (newline (1- (match-end 0))))
      ;; A quote that closes a string, or sits in a comment, opens nothing.
      (unless (save-excursion (save-match-data (nth 8 (syntax-ppss open))))
        (put-text-property open (1+ open) 'syntax-table (string-to-syntax "|"))
        (when backslash
          (put-text-property backslash (1+ backslash) 'syntax-table (string-to-syntax ".")))
        (put-text-property newline (1+ newline) 'syntax-table (string-to-syntax "|"))))))

;;;; Highlighting.

(defun gov--words-matcher (words)
  "A font-lock matcher for WORDS that skips fields: after '.' or before ':'."
  (let ((re (concat "\\_<" (regexp-opt words t) "\\_>")))
    (lambda (limit)
      (let (found)
        (while (and (not found) (re-search-forward re limit t))
          (let ((word (match-string 1)))
            (unless (or (save-excursion
                          (goto-char (match-beginning 0))
                          (skip-chars-backward " \t")
                          (eq (char-before) ?.))
                        (and (member word gov-field-keywords)
                             (looking-at-p "[ \t]*:")))
              (setq found t))))
        found))))

(defconst gov--escape-re "\\\\\\(?:[\"\\\\ntr]\\|u{\\([0-9A-Fa-f]\\{1,6\\}\\)}\\)"
  "An escape in a string; a \\u{HEX} one is valid only if `gov--scalar-p'.")

(defconst gov--bad-escape-re "\\\\\\(?:u{[0-9A-Fa-f]*}?\\|.\\)"
  "A backslash and what it escapes: \\u{HEX} whole, else one character.")

(defun gov--scalar-p (hex)
  "Non-nil when HEX names a Unicode scalar value other than 0, as the lexer wants:
at most 10FFFF and not a surrogate."
  (let ((cp (string-to-number hex 16)))
    (and (> cp 0) (<= cp #x10FFFF) (not (<= #xD800 cp #xDFFF)))))

(defun gov--valid-escape-at-p ()
  "Non-nil when a valid escape starts at point."
  (and (looking-at gov--escape-re)
       (or (null (match-beginning 1)) (gov--scalar-p (match-string 1)))))

(defun gov--in-string-p (pos)
  "Non-nil when POS is inside a string."
  (save-excursion (save-match-data (nth 3 (syntax-ppss pos)))))

(defun gov--match-escape (limit)
  "Font-lock matcher: the next valid escape in a string before LIMIT."
  (let (found)
    (while (and (not found) (re-search-forward gov--escape-re limit t))
      (setq found (and (gov--in-string-p (match-beginning 0))
                       (or (null (match-beginning 1)) (gov--scalar-p (match-string 1))))))
    found))

(defun gov--match-bad-escape (limit)
  "Font-lock matcher: the next backslash in a string before LIMIT that starts no
valid escape, with what it escapes (a whole \\u{...}, else one character)."
  (let (found)
    (while (and (not found) (re-search-forward gov--bad-escape-re limit t))
      (setq found (and (gov--in-string-p (match-beginning 0))
                       (save-excursion
                         (save-match-data
                           (goto-char (match-beginning 0))
                           (not (gov--valid-escape-at-p)))))))
    found))

(defun gov--match-stray (limit)
  "Font-lock matcher: the next character before LIMIT that starts no token.
Outside strings and comments: `$' without an amount, `%' without a number, `!'
not in `!=', and the others the lexer rejects."
  (let (found)
    (while (and (not found)
                (re-search-forward "[$%!@#&|^~?'`\\\\]\\|[^[:ascii:]]" limit t))
      (setq found (and (not (save-excursion (save-match-data (nth 8 (syntax-ppss (match-beginning 0))))))
                       (not (and (eq (char-before) ?!) (eq (char-after) ?=)))
                       (not (and (eq (char-before) ?$) (memq (char-after) '(?0 ?1 ?2 ?3 ?4 ?5 ?6 ?7 ?8 ?9))))
                       (not (get-text-property (match-beginning 0) 'face)))))
    found))

(defconst gov--decimal "[0-9][0-9_]*\\(?:\\.[0-9][0-9_]*\\)?")

(defconst gov-font-lock-keywords
  (let ((dec gov--decimal)
        (exp "[eE][-+]?[0-9]+")
        (id gov--ident))
    ;; Without OVERRIDE, the first rule to face a character wins, so literals come in
    ;; the order the lexer's longest match would pick them.
    `((,(concat "\\_<[0-9]\\{4\\}-[0-9][0-9]-[0-9][0-9][Tt][0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
                "\\(?:\\.[0-9]+\\)?\\(?:[Zz]\\|[-+][0-9][0-9]:[0-9][0-9]\\)")
       . 'gov-unit-literal-face)
      ;; A date without a time and zone, or a time without a zone (the lexer's E011).
      (,"\\_<[0-9]\\{4\\}-[0-9][0-9]-[0-9][0-9]\\(?:[Tt][0-9:.]*\\)?" . 'gov-invalid-face)
      (,(concat "\\$" dec) . 'gov-unit-literal-face)
      (,(concat "\\_<" dec "%") . 'gov-unit-literal-face)
      (,(concat "\\_<" dec "\\(?:ns\\|us\\|ms\\|s\\|m\\|h\\|d\\|w\\)\\_>")
       . 'gov-unit-literal-face)
      (,(concat "\\_<[0-9][0-9_]*\\(?:\\.[0-9][0-9_]*\\(?:" exp "\\)?\\|" exp "\\)\\_>")
       . 'gov-number-face)
      (,(concat "\\_<" dec "\\(?:" exp "\\)?[A-Za-z][A-Za-z0-9_]*") . 'gov-invalid-face)
      ("\\_<[0-9][0-9_]*\\_>" . 'gov-number-face)
      ;; Names at their definitions.
      (,(concat "\\_<\\(extern\\)[ \t]+\\(fn\\)[ \t]+\\(" id "\\)")
       (1 'font-lock-keyword-face) (2 'font-lock-keyword-face)
       (3 'font-lock-function-name-face))
      (,(concat "\\_<\\(policy\\|module\\|record\\|channel\\|rule\\|window\\|drift\\|gate"
                "\\|escalation\\|max\\|min\\|allowlist\\|denylist\\)[ \t]+\\(" id "\\)")
       (1 'font-lock-keyword-face) (2 'font-lock-function-name-face))
      ;; An approver group: approvers NAME = "a", "b".
      (,(concat "\\_<\\(approvers\\)[ \t]+\\(" id "\\)[ \t]*=")
       (1 'font-lock-keyword-face) (2 'font-lock-function-name-face))
      ;; `requester' opening a gate's clause (a field may be called so too).
      ("^[ \t]*\\(requester\\)[ \t]+[A-Za-z_]" 1 'font-lock-keyword-face)
      ;; Contextual names.
      ("^[ \t]*\\(version\\)[ \t]+\"" 1 'font-lock-keyword-face)
      (,(concat "\\(?::\\|->\\)[ \t]*\\_<" (regexp-opt gov-types t) "\\_>")
       1 'font-lock-type-face)
      (,(concat "\\_<\\(in\\)[ \t]+" (regexp-opt gov-units t) "\\_>")
       (1 'font-lock-keyword-face) (2 'font-lock-builtin-face))
      (,(concat "=[ \t]*\\_<" (regexp-opt gov-channel-kinds t) "\\_>[ \t]*\"")
       1 'font-lock-builtin-face)
      (,(concat "\\_<\\(test\\)[ \t]+" (regexp-opt gov-statistics t) "\\_>")
       (1 'font-lock-keyword-face) (2 'font-lock-builtin-face))
      (,(concat "\\_<" (regexp-opt (append gov-aggregates gov-functions) t) "[ \t]*(")
       1 'font-lock-builtin-face)
      ;; Reserved words.
      (,(gov--words-matcher gov-booleans) 1 'font-lock-constant-face)
      (,(gov--words-matcher gov-severities) 1 'font-lock-constant-face)
      (,(gov--words-matcher gov-verdicts) 1 'font-lock-constant-face)
      (,(gov--words-matcher gov-keywords) 1 'font-lock-keyword-face)
      ;; Escapes, on top of the string face.
      (gov--match-escape 0 'gov-escape-face prepend)
      (gov--match-bad-escape 0 'gov-invalid-face prepend)
      ;; Last: whatever no other rule took.
      (gov--match-stray 0 'gov-invalid-face)))
  "Highlighting rules of `gov-mode'.")

;;;; Indentation.

(defun gov--prev-code-end (pos)
  "The end of the code before POS, past blanks and comments; nil if none."
  (save-excursion
    (goto-char pos)
    (forward-comment (- (buffer-size)))
    (and (> (point) (point-min)) (point))))

(defun gov--ends-with-operator-p (end)
  "Non-nil when the code ending at END ends with an operator or a comma.
The words and, or and not count as operators."
  (save-excursion
    (goto-char end)
    (and (not (nth 8 (syntax-ppss)))
         (looking-back "\\(?:\\_<\\(?:and\\|or\\|not\\)\\|[-+*/=<>,]\\)"
                       (line-beginning-position)))))

(defun gov--if-column (limit)
  "The column of the nearest `if' between LIMIT and point, or nil.
An `if' in a string or a comment does not count."
  (save-excursion
    (let (col)
      (while (and (not col) (re-search-backward "\\_<if\\_>" limit t))
        (unless (nth 8 (syntax-ppss))
          (setq col (current-column))))
      col)))

(defconst gov--window-clause-re "\\_<\\(?:over\\|per\\|where\\|capacity\\|lateness\\)\\_>"
  "The clauses of a window that `govc fmt' puts on lines of their own.")

(defun gov--indentation ()
  "The column the current line should start at, or nil to leave it alone.
See `gov-indent-line'."
  (save-excursion
    (let* ((ppss (syntax-ppss (line-beginning-position)))
           (open (nth 1 ppss))
           (prev (gov--prev-code-end (line-beginning-position)))
           ;; Code on a later line than the open bracket (or any, at the top).
           (after-open (lambda (pos)
                         (and pos
                              (or (not open)
                                  (> (line-number-at-pos pos)
                                     (line-number-at-pos open))))))
           (prev-line-start (lambda (pos)
                              (gov--prev-code-end
                               (save-excursion (goto-char pos) (line-beginning-position))))))
      (back-to-indentation)
      (cond
       ((nth 4 ppss) nil)
       ((looking-at "[]})]")
        (if open (progn (goto-char open) (current-indentation)) 0))
       ;; Text after the open bracket on its line: line up with it.
       ((and open
             (save-excursion
               (goto-char (1+ open))
               (skip-chars-forward " \t")
               (and (not (eolp)) (not (looking-at "//\\|/\\*"))
                    (current-column)))))
       ((and (looking-at "\\_<\\(?:then\\|else\\)\\_>") (funcall after-open prev)
             (gov--if-column (or open (point-min)))))
       ;; Continuation: line up after the keyword of the line the clause starts on.
       ((and (funcall after-open prev) (gov--ends-with-operator-p prev)
             (let ((start prev) p)
               (while (and (setq p (funcall prev-line-start start))
                           (funcall after-open p)
                           (gov--ends-with-operator-p p))
                 (setq start p))
               (goto-char start)
               (back-to-indentation)
               ;; Approvers line up after a quorum (`approvers 2 of') or a group's
               ;; `NAME =', other clauses after their keyword.
               (and (or (looking-at "approvers[ \t]+\\(?:[0-9]+[ \t]+of\\|[A-Za-z_][A-Za-z0-9_]*[ \t]*=\\)[ \t]+[^ \t\n]")
                        (looking-at "[A-Za-z_][A-Za-z0-9_]*[ \t]+[^ \t\n]"))
                    (progn (goto-char (1- (match-end 0))) (current-column))))))
       ;; A window's clauses, two levels under `window'.
       ((and (looking-at gov--window-clause-re) (funcall after-open prev)
             (let ((start prev) p)
               (while (and (save-excursion (goto-char start) (back-to-indentation)
                                           (looking-at gov--window-clause-re))
                           (setq p (funcall prev-line-start start))
                           (funcall after-open p))
                 (setq start p))
               (goto-char start)
               (back-to-indentation)
               (and (looking-at "window\\_>")
                    (+ (current-indentation) (* 2 gov-indent-offset))))))
       (open (goto-char open) (+ (current-indentation) gov-indent-offset))
       (t 0)))))

(defun gov-indent-line ()
  "Indent the current line as gov code, the way `govc fmt' lays it out.
A line inside a block comment that began on an earlier line keeps its
indentation.  A line starting with a closing bracket lines up with the line
that opened it.  Inside a bracket with text after it on its line, lines line
up with that text.  A line starting with `then' or `else' lines up with its
`if'.  A line after one that ends with an operator or a comma continues the
clause and lines up after the clause's keyword (approvers: after a quorum,
`approvers 2 of', or a group's `NAME =').  A window's `over', `per',
`where', `capacity' and `lateness' lines are two levels under `window'.
Otherwise a line is `gov-indent-offset' deeper than the line with the
innermost open bracket, or at column 0.  Brackets in strings and comments do
not count."
  (interactive)
  (let ((indent (gov--indentation))
        (offset (- (current-column) (current-indentation))))
    (if (not indent)
        'noindent
      (indent-line-to indent)
      (when (> offset 0) (forward-char offset)))))

;;;; Flymake.

(defvar-local gov--flymake-proc nil
  "The running `govc check' of this buffer, if any.")

(defconst gov--diagnostic-re
  (concat "^\\(.+?\\):\\([0-9]+\\):\\([0-9]+\\): \\(error\\|warning\\|note\\)"
          "\\(?:\\[\\([A-Z][0-9]+\\)\\]\\)?: \\(.*\\)$")
  "A `govc check' diagnostic: FILE:LINE:COL: KIND[CODE]: MESSAGE.")

(defun gov--flymake-region (buffer line col len)
  "Positions in BUFFER of LEN characters at LINE and COL (both from 1).
Without LEN, the symbol or sexp there, as Flymake chooses."
  (with-current-buffer buffer
    (save-excursion
      (save-restriction
        (widen)
        (goto-char (point-min))
        (if (/= 0 (forward-line (1- line)))
            (cons (point-max) (point-max))
          (let* ((eol (line-end-position))
                 (beg (min eol (+ (point) (max 0 (1- col))))))
            (if len
                (cons beg (max (min eol (+ beg len)) (min eol (1+ beg))))
              (flymake-diag-region buffer line col))))))))

(defun gov--flymake-parse (output checked buffer)
  "Flymake diagnostics for BUFFER from `govc check' OUTPUT about file CHECKED.
The caret line under each diagnostic gives the length of its span.
Diagnostics about other files (imports) are left out."
  (let (diags)
    (with-temp-buffer
      (insert output)
      (goto-char (point-min))
      (while (re-search-forward gov--diagnostic-re nil t)
        (let ((file (match-string 1))
              (line (string-to-number (match-string 2)))
              (col (string-to-number (match-string 3)))
              (kind (match-string 4))
              (code (match-string 5))
              (msg (match-string 6))
              (len nil))
          (save-excursion
            (forward-line 2)
            (when (looking-at " *| *\\(?:\\.\\.\\.\\)?\\( *\\)\\(\\^~*\\)")
              (setq len (length (match-string 2)))))
          (when (or (string= (expand-file-name file) (expand-file-name checked))
                    (file-equal-p file checked))
            (let ((region (gov--flymake-region buffer line col len)))
              (push (flymake-make-diagnostic
                     buffer (car region) (cdr region)
                     (pcase kind ("error" :error) ("warning" :warning) (_ :note))
                     (if code (format "%s: %s" code msg) msg))
                    diags)))))
      ;; Errors with no position (an import that cannot be read) go on line 1.
      (goto-char (point-min))
      (while (re-search-forward "^govc: \\(error\\)\\[\\([A-Z][0-9]+\\)\\]: \\(.*\\)$" nil t)
        (let ((region (gov--flymake-region buffer 1 1 nil)))
          (push (flymake-make-diagnostic buffer (car region) (cdr region) :error
                                         (format "%s: %s" (match-string 2) (match-string 3)))
                diags))))
    (nreverse diags)))

(defun gov-flymake (report-fn &rest _args)
  "Flymake backend: run `govc check' on the buffer and call REPORT-FN.
A buffer visiting a file is checked as the policy that file belongs to
\(`govc check --policy-of FILE --stdin'): the buffer's text stands for the file,
and the policy's other files come from the disk, so names they declare are no
errors.  A buffer without a file is checked alone, from a temporary copy."
  (unless (executable-find gov-govc-program)
    (error "Cannot find %s; set `gov-govc-program'" gov-govc-program))
  (when (process-live-p gov--flymake-proc)
    (kill-process gov--flymake-proc))
  (let* ((source (current-buffer))
         (file (and buffer-file-name (expand-file-name buffer-file-name)))
         (copy (unless file (make-temp-file "flymake-gov-" nil ".gov")))
         (checked (or file copy))
         proc)
    (when copy
      (save-restriction
        (widen)
        (let ((coding-system-for-write 'utf-8-unix))
          (write-region (point-min) (point-max) copy nil 'silent))))
    (setq proc
          (make-process
           :name "gov-flymake"
           :noquery t
           :connection-type 'pipe
           :coding 'utf-8-unix
           :buffer (generate-new-buffer " *gov-flymake*")
           :command (if file
                        (list gov-govc-program "check" "--policy-of" file "--stdin")
                      (list gov-govc-program "check" copy))
           :sentinel
           (lambda (proc _event)
             (when (memq (process-status proc) '(exit signal))
               (unwind-protect
                   (if (and (buffer-live-p source)
                            (eq proc (buffer-local-value 'gov--flymake-proc source)))
                       (funcall report-fn
                                (gov--flymake-parse
                                 (with-current-buffer (process-buffer proc) (buffer-string))
                                 checked source))
                     (flymake-log :warning "Canceling obsolete check %s" proc))
                 (when copy (delete-file copy))
                 (kill-buffer (process-buffer proc)))))))
    (setq gov--flymake-proc proc)
    (when file
      (save-restriction
        (widen)
        (process-send-region proc (point-min) (point-max)))
      (process-send-eof proc))))

;;;; The mode.

;;;###autoload
(define-derived-mode gov-mode prog-mode "gov"
  "Major mode for gov policies.

\\{gov-mode-map}"
  :syntax-table gov-mode-syntax-table
  (setq-local comment-start "// ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "\\(?://+\\|/\\*+\\)[ \t]*")
  (setq-local syntax-propertize-function #'gov--syntax-propertize)
  (setq-local font-lock-defaults '(gov-font-lock-keywords))
  (setq-local indent-line-function #'gov-indent-line)
  (setq-local indent-tabs-mode nil)
  (setq-local electric-indent-chars (append "}])" electric-indent-chars))
  (add-hook 'flymake-diagnostic-functions #'gov-flymake nil t))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.gov\\'" . gov-mode))

(provide 'gov-mode)
;;; gov-mode.el ends here
