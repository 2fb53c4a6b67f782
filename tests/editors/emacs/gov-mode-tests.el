;;; gov-mode-tests.el --- ERT tests of editors/emacs/gov-mode.el  -*- lexical-binding: t; -*-

;;; Commentary:

;; The Emacs suite of tests/editors/run.sh.  Run from the top of the tree as
;;
;;   emacs -batch -Q -L editors/emacs -l tests/editors/emacs/gov-mode-tests.el \
;;         -f gov-test-run-batch
;;
;; with $GOV_SYNTAX (syntax-test files in VS Code's format, one per line: their scope
;; assertions are mapped to faces through tests/editors/scopes.tsv), $GOV_POLICIES (real
;; policies, one per line), $GOV_GOVC (a govc binary, or empty to skip the end-to-end
;; Flymake test), $GOV_FMT (govc fmt output files, one per line) and $GOV_TMP (a scratch
;; folder).
;; Prints one "ok - NAME" or "not ok - NAME" line per ERT test, details on "#" lines.

;;; Code:

(require 'ert)
(require 'cl-lib)
(require 'subr-x)
(require 'gov-mode)

(defconst gov-test-top default-directory
  "The top of the tree: the suite runs from there.")

(defun gov-test-file (rel)
  "REL, a path from the top of the tree, made absolute."
  (expand-file-name rel gov-test-top))

(defun gov-test-fail (errors)
  "Fail the current test with ERRORS, a list of strings, unless it is empty."
  (when errors
    (ert-fail (string-join errors "\n"))))

;;;; Syntax-test files.

(defun gov-test-scope-table ()
  "tests/editors/scopes.tsv as an alist of (SCOPE . FACE)."
  (with-temp-buffer
    (insert-file-contents (gov-test-file "tests/editors/scopes.tsv"))
    (let (table)
      (dolist (line (split-string (buffer-string) "\n"))
        (unless (string-match-p "\\`[ \t]*\\(#\\|\\'\\)" line)
          (let ((f (split-string line "\t+")))
            (push (cons (nth 0 f) (mapcar #'intern (split-string (nth 2 f) ","))) table))))
      table)))

(defun gov-test-faces-of (scope table)
  "The faces SCOPE maps to in TABLE; nil for source.gov and punctuation.* scopes."
  (cond ((assoc scope table) (cdr (assoc scope table)))
        ((or (equal scope "source.gov") (string-prefix-p "punctuation." scope)) nil)
        (t (error "Scope %s is not in tests/editors/scopes.tsv" scope))))

(defun gov-test-assertions (lines)
  "The assertions of a syntax-test file given as LINES, as vscode-tmgrammar-test reads
them: a line starting with // then ^ runs (or <~~--) asserts on the nearest source line
above; \"a b - c\" requires scopes a and b and forbids c.  Each is a plist with
:line (1-based) :src :from :to (0-based, end exclusive) :req :excl."
  (let ((src 0) result)
    (cl-loop
     for i from 1 below (length lines)
     for l = (nth i lines)
     do (if (not (string-match "\\`//\\([ \t]*\\)\\(\\^\\|<~*-+\\)" l))
            (setq src i)
          (let* ((rest (substring l 2))
                 (spec (replace-regexp-in-string
                        "\\`[ \t]*\\(?:<~*-+\\|\\(?:\\^+[ \t]*\\)+\\)" "" rest))
                 (parts (split-string spec "\\(?:\\`\\|[ \t]+\\)-\\(?:[ \t]+\\|\\'\\)"))
                 (req (split-string (car parts)))
                 (excl (and (cdr parts) (split-string (cadr parts))))
                 ranges)
            (when (> (length parts) 2)
              (error "Line %d: more than one \" - \" in an assertion" (1+ i)))
            (unless (or req excl)
              (error "Line %d: an assertion with no scopes" (1+ i)))
            (if (string-match "\\`[ \t]*<\\(~*\\)\\(-+\\)" rest)
                (let ((from (length (match-string 1 rest))))
                  (push (cons from (+ from (length (match-string 2 rest)))) ranges))
              (let ((start 0))
                (while (string-match "\\^+" l start)
                  (push (cons (match-beginning 0) (match-end 0)) ranges)
                  (setq start (match-end 0)))))
            (dolist (r (nreverse ranges))
              (push (list :line (1+ src) :src (nth src lines) :from (car r) :to (cdr r)
                          :req req :excl excl :at (1+ i))
                    result)))))
    (nreverse result)))

(defun gov-test-check-syntax-file (path)
  "Open PATH in gov-mode and check every assertion's face; return the problems."
  (let ((table (gov-test-scope-table))
        (name (file-name-nondirectory path))
        (errors nil)
        (count 0))
    (with-temp-buffer
      (insert-file-contents path)
      (gov-mode)
      (font-lock-ensure)
      (let ((lines (split-string (buffer-string) "\n")))
        (dolist (a (gov-test-assertions lines))
          (let* ((want nil)
                 (src (plist-get a :src))
                 (from (plist-get a :from))
                 (to (plist-get a :to))
                 (text (substring src (min from (length src)) (min to (length src))))
                 (forbid (apply #'append (mapcar (lambda (s) (gov-test-faces-of s table))
                                                 (plist-get a :excl)))))
            ;; The innermost (last) required scope that has faces decides.
            (dolist (s (plist-get a :req))
              (let ((f (gov-test-faces-of s table)))
                (when f (setq want f))))
            (catch 'next
              (cl-loop
               for col from from below to
               do (setq count (1+ count))
               (when (>= col (length src))
                 (push (format "%s:%d: assertion past the end of line %d"
                               name (plist-get a :at) (plist-get a :line))
                       errors)
                 (throw 'next nil))
               (goto-char (point-min))
               (forward-line (1- (plist-get a :line)))
               (forward-char col)
               (let* ((face (get-text-property (point) 'face))
                      (faces (if (listp face) face (list face))))
                 (when (and want (not (cl-intersection want faces)))
                   (push (format "%s:%d: \"%s\" at column %d: want %s, got %S"
                                 name (plist-get a :line) text (1+ col)
                                 (mapconcat #'symbol-name want " or ") face)
                         errors)
                   (throw 'next nil))
                 (dolist (f forbid)
                   (when (memq f faces)
                     (push (format "%s:%d: \"%s\" at column %d: must not be %s"
                                   name (plist-get a :line) text (1+ col) f)
                           errors)
                     (throw 'next nil))))))))))
    (when (= count 0)
      (push (format "%s: no assertions" name) errors))
    (nreverse errors)))

(defun gov-test-define-syntax-tests ()
  "One ERT test per file named in $GOV_SYNTAX."
  (dolist (path (split-string (or (getenv "GOV_SYNTAX") "") "\n" t))
    (let ((p path))
      (ert-set-test
       (intern (format "highlighting: %s" (file-name-nondirectory p)))
       (make-ert-test
        :name (intern (format "highlighting: %s" (file-name-nondirectory p)))
        :body (lambda () (gov-test-fail (gov-test-check-syntax-file p))))))))

(ert-deftest gov-test-real-policies ()
  "Nothing in policies/ or stdlib/ is highlighted as invalid.
Those policies are valid, so gov-invalid-face there is a false alarm."
  (let ((files (split-string (or (getenv "GOV_POLICIES") "") "\n" t))
        errors)
    (should files)
    (dolist (path files)
      (with-temp-buffer
        (insert-file-contents path)
        (gov-mode)
        (font-lock-ensure)
        (goto-char (point-min))
        (let (pos)
          (while (and (not pos) (not (eobp)))
            (let ((f (get-text-property (point) 'face)))
              (when (memq 'gov-invalid-face (if (listp f) f (list f)))
                (setq pos (point))))
            (forward-char 1))
          (when pos
            (goto-char pos)
            (push (format "%s:%d:%d: %S is invalid" path (line-number-at-pos)
                          (1+ (current-column)) (thing-at-point 'symbol t))
                  errors)))))
    (gov-test-fail (nreverse errors))))

(ert-deftest gov-test-byte-compile ()
  "gov-mode.el byte-compiles without warnings."
  (let* ((byte-compile-error-on-warn t)
         (dir (make-temp-file "gov-bc" t))
         (src (expand-file-name "gov-mode.el" dir)))
    (unwind-protect
        (progn
          (copy-file (gov-test-file "editors/emacs/gov-mode.el") src)
          (should (byte-compile-file src)))
      (delete-directory dir t))))

(ert-deftest gov-test-package-install ()
  "package-install-file installs gov-mode; its autoloads open .gov files in it.
Runs in a fresh Emacs with an empty package directory and no archives."
  (let* ((dir (make-temp-file "gov-elpa" t))
         (emacs (expand-file-name invocation-name invocation-directory))
         (form `(progn
                  (require 'package)
                  (setq package-user-dir ,(expand-file-name "elpa" dir) package-archives nil)
                  (package-initialize)
                  (package-install-file ,(gov-test-file "editors/emacs/gov-mode.el"))
                  (find-file ,(gov-test-file "tests/editors/indent/good.gov"))
                  (princ (format "installed=%s mode=%s\n"
                                 (package-installed-p 'gov-mode) major-mode)))))
    (unwind-protect
        (with-temp-buffer
          (should (= 0 (call-process emacs nil t nil "-batch" "-Q" "--eval"
                                     (prin1-to-string form))))
          (should (string-match-p "^installed=t mode=gov-mode$" (buffer-string))))
      (delete-directory dir t))))

;;;; Mode, comments, indentation.

(ert-deftest gov-test-mode ()
  "Visiting a .gov file turns on gov-mode with // comments and gov-indent-line."
  (let ((buf (find-file-noselect (gov-test-file "tests/editors/indent/good.gov"))))
    (unwind-protect
        (with-current-buffer buf
          (should (eq major-mode 'gov-mode))
          (should (equal comment-start "// "))
          (should (eq indent-line-function #'gov-indent-line))
          (should (memq #'gov-flymake flymake-diagnostic-functions)))
      (kill-buffer buf))))

(ert-deftest gov-test-comment-syntax ()
  "Both comment forms are comments to the syntax table, and comment-region uses //."
  (with-temp-buffer
    (gov-mode)
    (insert "rule r { // note\n  when /* a\n  b */ x }\n")
    (goto-char (point-min))
    (search-forward "note")
    (should (nth 4 (syntax-ppss)))
    (search-forward "b ")
    (should (nth 4 (syntax-ppss)))
    (search-forward "x")
    (should-not (nth 4 (syntax-ppss)))
    (erase-buffer)
    (insert "rule r {\n  when x\n}\n")
    (comment-region (point-min) (point-max))
    (should (equal (buffer-string) "// rule r {\n//   when x\n// }\n"))
    (uncomment-region (point-min) (point-max))
    (should (equal (buffer-string) "rule r {\n  when x\n}\n"))))

(defun gov-test-reindent (input expected)
  "Indent the whole of INPUT and return how it differs from EXPECTED, line by line."
  (let (errors)
    (with-temp-buffer
      (insert-file-contents (gov-test-file input))
      (gov-mode)
      (indent-region (point-min) (point-max))
      (let ((got (split-string (buffer-string) "\n"))
            (want (with-temp-buffer
                    (insert-file-contents (gov-test-file expected))
                    (split-string (buffer-string) "\n"))))
        (dotimes (i (max (length got) (length want)))
          (let ((g (or (nth i got) "<missing>")) (w (or (nth i want) "<missing>")))
            (unless (equal g w)
              (push (format "line %d: got  %S" (1+ i) g) errors)
              (push (format "line %d: want %S" (1+ i) w) errors))))))
    (nreverse errors)))

(ert-deftest gov-test-indent-bad ()
  "Indenting bad.gov as a whole gives good.gov."
  (gov-test-fail (gov-test-reindent "tests/editors/indent/bad.gov"
                                    "tests/editors/indent/good.gov")))

(ert-deftest gov-test-indent-good ()
  "Indenting good.gov as a whole leaves it as it is."
  (gov-test-fail (gov-test-reindent "tests/editors/indent/good.gov"
                                    "tests/editors/indent/good.gov")))

(ert-deftest gov-test-indent-fmt-layout ()
  "Flattened govc fmt output re-indents to govc fmt's layout.
Each file of $GOV_FMT loses the indentation of every line outside block
comments, and indent-region must give the file back."
  (let ((files (split-string (or (getenv "GOV_FMT") "") "\n" t))
        errors)
    (unless files (ert-skip "needs build/govc"))
    (dolist (path files)
      (with-temp-buffer
        (insert-file-contents path)
        (gov-mode)
        (let ((want (split-string (buffer-string) "\n")))
          (goto-char (point-min))
          (while (not (eobp))
            (unless (nth 4 (syntax-ppss))
              (delete-horizontal-space))
            (forward-line 1))
          (indent-region (point-min) (point-max))
          (let ((got (split-string (buffer-string) "\n"))
                (name (file-name-nondirectory path)))
            (dotimes (i (max (length got) (length want)))
              (let ((g (or (nth i got) "<missing>")) (w (or (nth i want) "<missing>")))
                (unless (equal g w)
                  (push (format "%s:%d: got  %S" name (1+ i) g) errors)
                  (push (format "%s:%d: want %S" name (1+ i) w) errors))))))))
    (gov-test-fail (nreverse errors))))

(ert-deftest gov-test-indent-electric ()
  "Typing a policy line by line, RET after each, indents every new line.
With `electric-indent-mode', a closing brace typed on its own line outdents it."
  (with-temp-buffer
    (gov-mode)
    (electric-indent-local-mode 1)
    (dolist (line '("rule r {" "when run.a and" "run.b" "notify x," "y" "}"
                    "max lim = if run.a > 1" "then 2" "else 3"
                    "window w = count()" "over 1h" "per agent"))
      (dolist (c (string-to-list line))
        (let ((last-command-event c)) (call-interactively #'self-insert-command)))
      (call-interactively #'newline))
    (should (equal (buffer-string)
                   (concat "rule r {\n  when run.a and\n       run.b\n  notify x,\n"
                           "         y\n}\nmax lim = if run.a > 1\n          then 2\n"
                           "          else 3\nwindow w = count()\n    over 1h\n"
                           "    per agent\n")))))

;;;; Flymake.

(defun gov-test-diags (buffer)
  "BUFFER's diagnostics as (LINE COL END-COL TYPE TEXT), in order."
  (with-current-buffer buffer
    (mapcar (lambda (d)
              (let ((beg (flymake-diagnostic-beg d)) (end (flymake-diagnostic-end d)))
                (list (line-number-at-pos beg)
                      (save-excursion (goto-char beg) (1+ (current-column)))
                      (save-excursion (goto-char end) (1+ (current-column)))
                      (flymake-diagnostic-type d)
                      (flymake-diagnostic-text d))))
            (sort (flymake-diagnostics) (lambda (a b) (< (flymake-diagnostic-beg a)
                                                         (flymake-diagnostic-beg b)))))))

(ert-deftest gov-test-flymake-parse ()
  "govc check output becomes Flymake diagnostics.
Columns count characters, the caret line gives the span, notes and warnings keep
their kind, position-less errors go on line 1, and other files are left out."
  (let ((file (expand-file-name "parse.gov" (getenv "GOV_TMP"))))
    (with-temp-buffer
      (insert "policy p\né = \"ünïcode\"; rule r { when x }\n")
      (gov-mode)
      (let ((diags (gov--flymake-parse
                    (concat
                     file ":2:21: error[E050]: 'latency_budget' = 5s loosens 2s\n"
                     "    2 | é = \"ünïcode\"; rule r { when x }\n"
                     "      |                     ^~~~~~\n"
                     file ":1:1: note: project \"support\" sets it here\n"
                     file ":1:8: warning[W001]: unused limit\n"
                     "    1 | policy p\n"
                     "      |        ^\n"
                     "other.gov:3:1: error[E020]: somewhere else\n"
                     "govc: error[E031]: cannot read policies/missing.gov\n")
                    file (current-buffer))))
        (let ((got (mapcar (lambda (d)
                             (let ((beg (flymake-diagnostic-beg d)) (end (flymake-diagnostic-end d)))
                               (list (line-number-at-pos beg)
                                     (save-excursion (goto-char beg) (1+ (current-column)))
                                     (- end beg)
                                     (flymake-diagnostic-type d)
                                     (flymake-diagnostic-text d))))
                           diags)))
          (should (equal (nth 0 got)
                         '(2 21 6 :error "E050: 'latency_budget' = 5s loosens 2s")))
          (should (equal (list (nth 0 (nth 1 got)) (nth 1 (nth 1 got))) '(1 1)))
          (should (equal (nthcdr 3 (nth 1 got)) '(:note "project \"support\" sets it here")))
          (should (equal (nth 2 got) '(1 8 1 :warning "W001: unused limit")))
          (should (equal (nthcdr 3 (nth 3 got))
                         '(:error "E031: cannot read policies/missing.gov")))
          (should (= (length got) 4)))))))

(ert-deftest gov-test-flymake-govc ()
  "Flymake with the real govc marks the type error of type-error.gov.
It is where type-error.expect says (LINE COL TYPE), and no temporary file is left."
  (let ((govc (getenv "GOV_GOVC")))
    (unless (and govc (> (length govc) 0))
      (ert-skip "needs build/govc"))
    (let* ((dir (expand-file-name "flymake" (getenv "GOV_TMP")))
           (src (gov-test-file "tests/editors/errors/type-error.gov"))
           (file (expand-file-name "type-error.gov" dir))
           (want (with-temp-buffer
                   (insert-file-contents (gov-test-file "tests/editors/errors/type-error.expect"))
                   (split-string (buffer-string))))
           (gov-govc-program govc)
           (flymake-wrap-around nil)
           buf)
      (make-directory dir t)
      (copy-file src file t)
      (setq buf (find-file-noselect file))
      (unwind-protect
          (with-current-buffer buf
            (flymake-mode 1)
            (flymake-start)
            (let ((deadline (+ (float-time) 20)))
              (while (and (null (flymake-diagnostics)) (< (float-time) deadline))
                (accept-process-output nil 0.1)))
            (let ((first (car (gov-test-diags buf))))
              (should first)
              (should (equal (list (nth 0 first) (nth 1 first))
                             (list (string-to-number (nth 0 want))
                                   (string-to-number (nth 1 want)))))
              (should (eq (nth 3 first)
                          (if (equal (nth 2 want) "e") :error :warning)))
              (should (> (nth 2 first) (nth 1 first))))
            (should (null (directory-files dir nil "\\`\\.flymake-gov-"))))
        (kill-buffer buf)))))

;;;; Runner.

(defun gov-test-run-batch ()
  "Run every test and print one TAP-like line per test; exit non-zero on failure."
  (gov-test-define-syntax-tests)
  (let ((failed 0))
    (dolist (test (ert-select-tests t t))
      (let* ((name (ert-test-name test))
             (doc (ert-test-documentation test))
             (label (if (string-prefix-p "highlighting: " (symbol-name name))
                        (symbol-name name)
                      (format "%s: %s" name (car (split-string (or doc "") "\n")))))
             (result (ert-run-test test)))
        (cond
         ((ert-test-passed-p result) (princ (format "ok - %s\n" label)))
         ((ert-test-skipped-p result)
          (princ (format "skip - %s: %s\n" label
                         (cadr (ert-test-result-with-condition-condition result)))))
         (t
          (setq failed (1+ failed))
          (princ (format "not ok - %s\n" label))
          (let ((c (ert-test-result-with-condition-condition result)))
            (dolist (line (split-string
                           (if (eq (car c) 'ert-test-failed)
                               (let ((v (cadr c))) (if (stringp v) v (format "%S" v)))
                             (format "%S" c))
                           "\n"))
              (princ (format "# %s\n" line))))))))
    (kill-emacs (if (> failed 0) 1 0))))

;;; gov-mode-tests.el ends here
