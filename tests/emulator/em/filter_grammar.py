"""Parser for the query service's ``filter`` expressions (docs/em_behaviour.md, "Filter language and quoting").

Grammar, as documented::

    expression := term { (";" | ",") term }       ";" = AND, "," = OR
    term       := "(" expression ")" | comparison
    comparison := field op value                   op: == != < > <= >=
    value      := '"' { char | '""' } '"'          quoted; "" is a literal "
                | bare                             up to ; , ) -- its spaces are dropped

How ``;`` and ``,`` bind when mixed without parentheses is undocumented, so the
caller picks: ``and-first`` (AND binds tighter, like SQL), ``or-first``, or ``reject``.

The result is a tree of tuples: ``("and", [nodes])``, ``("or", [nodes])`` and
``("cmp", field_name, op, value)``. Field names are checked later, per query type.
"""

from __future__ import annotations

AND_FIRST = "and-first"
OR_FIRST = "or-first"
REJECT = "reject"
PRECEDENCES = (AND_FIRST, OR_FIRST, REJECT)

_OPERATORS_TWO = ("==", "!=", "<=", ">=")
_OPERATORS_ONE = ("<", ">")
_BARE_END = ";,)"


class FilterSyntaxError(ValueError):
    """A malformed filter; the message says where and why."""


class _Parser:
    def __init__(self, text: str, precedence: str):
        self.text = text
        self.pos = 0
        self.precedence = precedence

    def fail(self, why: str) -> FilterSyntaxError:
        return FilterSyntaxError("Invalid filter expression %r at position %d: %s" % (self.text, self.pos, why))

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def parse(self):
        self.skip_spaces()
        if not self.peek():
            raise self.fail("the filter is empty")
        node = self.expression()
        self.skip_spaces()
        if self.peek():
            raise self.fail("unexpected %r" % self.peek())
        return node

    def expression(self):
        terms = [self.term()]
        separators = []
        while True:
            self.skip_spaces()
            char = self.peek()
            if char not in (";", ","):
                break
            self.pos += 1
            separators.append(char)
            terms.append(self.term())
        return self.combine(terms, separators)

    def combine(self, terms, separators):
        if not separators:
            return terms[0]
        if self.precedence == REJECT and len(set(separators)) > 1:
            raise self.fail("';' (AND) and ',' (OR) are mixed without parentheses")
        # The separator that binds loosest splits the list into groups of the tighter one.
        loose, tight = (",", "or"), (";", "and")
        if self.precedence == OR_FIRST:
            loose, tight = (";", "and"), (",", "or")
        groups = [[terms[0]]]
        for sep, term in zip(separators, terms[1:]):
            if sep == loose[0]:
                groups.append([term])
            else:
                groups[-1].append(term)
        grouped = [g[0] if len(g) == 1 else (tight[1], g) for g in groups]
        return grouped[0] if len(grouped) == 1 else (loose[1], grouped)

    def term(self):
        self.skip_spaces()
        if self.peek() == "(":
            self.pos += 1
            node = self.expression()
            self.skip_spaces()
            if self.peek() != ")":
                raise self.fail("missing ')'")
            self.pos += 1
            return node
        return self.comparison()

    def comparison(self):
        start = self.pos
        while self.pos < len(self.text) and (self.text[self.pos].isalnum() or self.text[self.pos] == "_"):
            self.pos += 1
        field = self.text[start:self.pos]
        if not field or not (field[0].isalpha() or field[0] == "_") or not field.isascii():
            raise self.fail("expected a field name")
        self.skip_spaces()
        op = self.operator()
        self.skip_spaces()
        if self.peek() == '"':
            value = self.quoted()
        else:
            value = self.bare()
        return ("cmp", field, op, value)

    def operator(self) -> str:
        two = self.text[self.pos:self.pos + 2]
        if two in _OPERATORS_TWO:
            self.pos += 2
            return two
        if self.peek() in _OPERATORS_ONE:
            self.pos += 1
            return self.text[self.pos - 1]
        raise self.fail("expected one of == != < > <= >=")

    def quoted(self) -> str:
        self.pos += 1
        chunks = []
        while True:
            end = self.text.find('"', self.pos)
            if end < 0:
                raise self.fail("unterminated quoted value")
            chunks.append(self.text[self.pos:end])
            if self.text[end + 1:end + 2] == '"':  # "" is one literal quote
                chunks.append('"')
                self.pos = end + 2
                continue
            self.pos = end + 1
            return "".join(chunks)

    def bare(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in _BARE_END:
            self.pos += 1
        raw = self.text[start:self.pos]
        if '"' in raw or "(" in raw:
            self.pos = start
            raise self.fail("a value containing '\"' or '(' must be quoted")
        # EM silently drops the spaces of an unquoted value (docs/em_behaviour.md, "Filter language and quoting").
        value = "".join(raw.split())
        if not value:
            raise self.fail("expected a value")
        return value


def parse_filter(text: str, precedence: str = AND_FIRST):
    """Parse a decoded ``filter`` value into a tree; raises FilterSyntaxError."""
    if precedence not in PRECEDENCES:
        raise ValueError("precedence must be one of %s" % ", ".join(PRECEDENCES))
    return _Parser(text, precedence).parse()
