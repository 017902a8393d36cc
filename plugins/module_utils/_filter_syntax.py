# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Syntax check of raw EM filter expressions (the ``filter`` option and lookup terms).

A raw filter is sent to EM as written, so a mistake in it would otherwise surface as an opaque
server error after logon, or worse, as a filter that silently matches the wrong sessions. This
module parses the documented grammar and fails early with the position of the problem:

    expression := group (";" group)* | group ("," group)*
    group      := "(" expression ")" | Field op value
    op         := "==" | "!=" | "<=" | ">=" | "<" | ">"
    value      := bare-word | '"' text-with-doubled-quotes '"'

Deliberately stricter than EM where EM is known to misbehave or undocumented: mixing ``;`` and
``,`` at one level without parentheses is refused (precedence undocumented), and so is an unquoted
value with spaces (EM silently drops the spaces and matches something else).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError
from ansible_collections.veeam_em.query.plugins.module_utils._time import parse_instant

OPERATORS = ("==", "!=", "<=", ">=", "<", ">")
_PUNCTUATION = "();,"
# Characters that end a bare word: whitespace, punctuation, quotes and operator characters.
_BARE_WORD_RE = re.compile(r'[^\s();,"=!<>]+')
_OPERATOR_RE = re.compile(r"==|!=|<=|>=|<|>|=|!")
_LONG_RE = re.compile(r"^-?[0-9]+\Z")


@dataclass(frozen=True)
class _Token:
    kind: str  # "(" ")" ";" "," "op" "word" "quoted" "end"
    text: str
    position: int  # 1-based character position, as users count


class _FilterError(Exception):
    pass


def _tokenize(text: str) -> list[_Token]:
    tokens = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
        elif char in _PUNCTUATION:
            tokens.append(_Token(char, char, index + 1))
            index += 1
        elif char == '"':
            index = _read_quoted(text, index, tokens)
        else:
            operator = _OPERATOR_RE.match(text, index)
            if operator:
                if operator.group() not in OPERATORS:
                    raise _FilterError("unknown comparison operator %r at position %d (use one of %s)"
                                       % (operator.group(), index + 1, ", ".join(OPERATORS)))
                tokens.append(_Token("op", operator.group(), index + 1))
                index = operator.end()
            else:
                word = _BARE_WORD_RE.match(text, index)
                tokens.append(_Token("word", word.group(), index + 1))
                index = word.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


def _read_quoted(text: str, start: int, tokens: list) -> int:
    """Read a quoted value starting at ``text[start] == '"'``; ``""`` is a literal quote."""
    index = start + 1
    chars = []
    while index < len(text):
        if text[index] == '"':
            if text.startswith('""', index):
                chars.append('"')
                index += 2
                continue
            tokens.append(_Token("quoted", "".join(chars), start + 1))
            return index + 1
        chars.append(text[index])
        index += 1
    raise _FilterError("unbalanced quotes: the quote at position %d is never closed" % (start + 1))


class _Parser:
    def __init__(self, tokens: list[_Token], query_type):
        self.tokens = tokens
        self.index = 0
        self.fields = {name.lower(): (name, kind) for name, kind in query_type.filter_fields.items()}
        self.enums = query_type.enums

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> None:
        self.expression()
        token = self.peek()
        if token.kind == ")":
            raise _FilterError("unbalanced parentheses: ')' at position %d has no matching '('" % token.position)
        if token.kind != "end":
            raise _FilterError("unexpected %r at position %d (expected ';', ',' or the end)" % (token.text, token.position))

    def expression(self) -> None:
        self.group()
        joiner = None
        while self.peek().kind in (";", ","):
            token = self.take()
            if joiner and token.kind != joiner.kind:
                raise _FilterError(
                    "';' (AND) and ',' (OR) are mixed without parentheses at positions %d and %d; "
                    "EM does not document which binds first, so add parentheses" % (joiner.position, token.position))
            joiner = token
            self.group()

    def group(self) -> None:
        token = self.take()
        if token.kind == "(":
            self.expression()
            closing = self.take()
            if closing.kind != ")":
                if closing.kind == "end":
                    raise _FilterError("unbalanced parentheses: '(' at position %d is never closed" % token.position)
                raise _FilterError("unexpected %r at position %d (expected ')')" % (closing.text, closing.position))
            return
        if token.kind == "end":
            raise _FilterError("the expression ends where a comparison such as Result==Failed is expected")
        if token.kind != "word":
            raise _FilterError("unexpected %r at position %d (expected a field name or '(')" % (token.text, token.position))
        self.comparison(token)

    def comparison(self, field_token: _Token) -> None:
        field = self.fields.get(field_token.text.lower())
        if field is None:
            raise _FilterError("unknown field %r at position %d (known fields: %s)"
                               % (field_token.text, field_token.position,
                                  ", ".join(name for name, _kind in self.fields.values())))
        operator = self.take()
        if operator.kind != "op":
            raise _FilterError("expected a comparison operator (%s) after %r at position %d"
                               % (", ".join(OPERATORS), field_token.text, operator.position))
        value = self.take()
        if value.kind not in ("word", "quoted"):
            raise _FilterError("missing value after %s%s at position %d" % (field_token.text, operator.text, value.position))
        following = self.peek()
        if value.kind == "word" and following.kind == "word":
            raise _FilterError(
                "unquoted value with a space at position %d (EM would drop the space and match something "
                "else): quote the value, \"%s %s\", or add ';' or ',' if a new comparison starts at "
                "position %d" % (value.position, value.text, following.text, following.position))
        if following.kind in ("word", "quoted", "op"):
            raise _FilterError("unexpected %r at position %d (expected ';', ',', ')' or the end)"
                               % (following.text, following.position))
        self.check_value(field, value)

    def check_value(self, field: tuple, value: _Token) -> None:
        name, kind = field
        if kind == "enum":
            known = self.enums[name]
            if value.text.lower() not in (item.lower() for item in known):
                raise _FilterError("unknown %s value %r at position %d (one of %s)"
                                   % (name, value.text, value.position, ", ".join(known)))
        elif kind == "long" and not _LONG_RE.match(value.text):
            raise _FilterError("%s needs a whole number, got %r at position %d" % (name, value.text, value.position))
        elif kind == "datetime":
            try:
                parse_instant(value.text)
            except ValueError:
                raise _FilterError("%s needs an ISO-8601 UTC date/time such as \"2026-11-28T21:00:00Z\", got %r at position %d"
                                   % (name, value.text, value.position)) from None


def check_raw_filter(option: str, text, query_type) -> str:
    """Return ``text`` stripped if it is a well-formed filter for ``query_type``; else raise.

    ``option`` names where the text came from (``filter``, or ``term 2`` of a lookup) so the
    error message points at it.
    """
    if not isinstance(text, str):
        raise VeeamEmInputError(option, text, "expected an EM filter expression as a string")
    stripped = text.strip()
    if not stripped:
        raise VeeamEmInputError(option, text, "the filter expression is empty")
    try:
        _Parser(_tokenize(text), query_type).parse()
    except _FilterError as exc:
        raise VeeamEmInputError(option, text, "malformed EM filter: %s" % exc) from None
    return stripped
