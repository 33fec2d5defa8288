// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Batch files: one change per command, exactly as after "stratactl".
 *
 *  - Words are separated by blanks; a word that starts with '#' starts a
 *    comment that runs to the end of the line.
 *  - A line that starts with a blank continues the command above it (so
 *    a policy can give one rule per line).
 *  - Blank and comment-only lines are skipped; they do not end a command.
 *
 * The reader is fed line by line (strata_batch_line()), then finished;
 * each command is parsed and checked against the model as soon as it is
 * complete, and errors carry the line of the word at fault.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "text.h"

void strata_batch_init(struct strata_batch *b)
{
	memset(b, 0, sizeof(*b));
}

static void drop_words(struct strata_batch *b)
{
	size_t i;

	for (i = 0; i < b->n_words; i++)
		free(b->words[i]);
	b->n_words = 0;
}

void strata_batch_release(struct strata_batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		strata_op_release(&b->ops[i]);
	free(b->ops);
	drop_words(b);
	free(b->words);
	free(b->word_lines);
	strata_batch_init(b);
}

static int batch_err(struct strata_perr *perr, int kind, unsigned int line,
		     const char *msg)
{
	if (perr) {
		perr->kind = kind;
		perr->line = line;
		perr->arg = -1;
		snprintf(perr->msg, sizeof(perr->msg), "%s", msg);
	}
	return -EINVAL;
}

/* The command read so far is complete: parse and check it. */
static int end_command(struct strata_batch *b, struct strata_perr *perr)
{
	struct strata_err err;
	struct strata_op op;
	int ret;

	if (!b->n_words)
		return 0;
	ret = strata_parse_op((int)b->n_words, b->words, b->word_lines, &op,
			      perr);
	drop_words(b);
	if (ret)
		return ret;
	op.line = b->start;
	if (strata_op_check(&op, &err)) {
		strata_op_release(&op);
		return batch_err(perr, STRATA_PERR_INVALID, b->start,
				 strata_err_str(&err));
	}
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct strata_op *v = realloc(b->ops, cap * sizeof(*v));

		if (!v) {
			strata_op_release(&op);
			return batch_err(perr, STRATA_PERR_INVALID, b->start,
					 "out of memory");
		}
		b->ops = v;
		b->cap = cap;
	}
	b->ops[b->n++] = op;
	return 0;
}

static int add_word(struct strata_batch *b, const char *w, size_t n)
{
	if (b->n_words == b->cap_words) {
		size_t cap = b->cap_words ? b->cap_words * 2 : 32;
		char **words = realloc(b->words, cap * sizeof(*words));
		unsigned int *lines;

		if (!words)
			return -ENOMEM;
		b->words = words;
		lines = realloc(b->word_lines, cap * sizeof(*lines));
		if (!lines)
			return -ENOMEM;
		b->word_lines = lines;
		b->cap_words = cap;
	}
	b->words[b->n_words] = strndup(w, n);
	if (!b->words[b->n_words])
		return -ENOMEM;
	b->word_lines[b->n_words++] = b->line;
	return 0;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

/**
 * strata_batch_line() - feed the next line of a batch file
 * @b: the reader
 * @line: the line (with or without its newline)
 * @perr: the first error, with its line number
 *
 * Return: 0 or -EINVAL (the batch cannot be used after an error).
 */
int strata_batch_line(struct strata_batch *b, const char *line,
		      struct strata_perr *perr)
{
	bool cont = blank(line[0]) && line[0] != '\n' && line[0] != '\r';
	const char *p = line;
	bool first = true;
	int ret;

	b->line++;
	for (;;) {
		const char *start;

		while (*p && blank(*p))
			p++;
		if (!*p || *p == '#')
			break;
		start = p;
		while (*p && !blank(*p))
			p++;
		if (first) {
			first = false;
			if (cont && !b->n_words)
				return batch_err(
					perr, STRATA_PERR_USAGE, b->line,
					"a continuation line (it starts with a blank) needs a command above it");
			if (!cont) {
				ret = end_command(b, perr);
				if (ret)
					return ret;
				b->start = b->line;
			}
		}
		if (add_word(b, start, (size_t)(p - start)))
			return batch_err(perr, STRATA_PERR_INVALID, b->line,
					 "out of memory");
	}
	return 0;
}

/**
 * strata_batch_finish() - the input ended: complete the last command
 * @b: the reader
 * @perr: its error
 *
 * Return: 0 or -EINVAL.
 */
int strata_batch_finish(struct strata_batch *b, struct strata_perr *perr)
{
	return end_command(b, perr);
}

/**
 * strata_batch_read() - read a whole batch file
 * @b: an initialised batch
 * @f: the file
 * @perr: the first error, with its line number
 *
 * Return: 0 or -EINVAL (or -EIO if the file cannot be read).
 */
int strata_batch_read(struct strata_batch *b, FILE *f, struct strata_perr *perr)
{
	size_t cap = 0;
	char *line = NULL;
	int ret = 0;

	while (getline(&line, &cap, f) >= 0) {
		ret = strata_batch_line(b, line, perr);
		if (ret)
			break;
	}
	if (!ret && ferror(f)) {
		batch_err(perr, STRATA_PERR_INVALID, b->line, "read error");
		ret = -EIO;
	}
	free(line);
	if (!ret)
		ret = strata_batch_finish(b, perr);
	return ret;
}
