package fsapi

import (
	"strconv"
	"strings"
)

// FreeSWITCH expands channel variables (${name}), global variables ($${name}) and API calls
// (${api(args)} or ${api args}) in the data of dial-plan actions and in condition expressions.
// Whether a value is processed at all depends on its content: only when it contains "${" or one
// of the escapes \\ \n \s \t \' (switch_string_var_check_const, switch_string_has_escaped_data).
// Processing then turns \\ into \, \$ into a literal $ (\$$ into a single $), drops \' entirely,
// and expands every unescaped "${" or "$${".
//
// fsEscape makes a value come out of that unchanged, whatever it holds: a value with neither a
// backslash nor "${" is left as it is (it is never processed); any other value has every \
// doubled and every $ escaped, which makes sure it is processed and restores it exactly.
// Scalelite escapes only \ and "${"; on the values it handles correctly the two agree, and
// ours also keeps "$$" and a "$" after a backslash intact (fuzz_test.go checks the round trip
// against a model of FreeSWITCH's expansion).
func fsEscape(v string) string {
	if !strings.Contains(v, `\`) && !strings.Contains(v, "${") {
		return v
	}
	var b strings.Builder
	b.Grow(len(v) + 8)
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '\\' || c == '$' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// setValue protects the value of a set action, which FreeSWITCH expands twice: once as the
// action's data (switch_core_session_exec), then again as the value (the set application).
// It is escaped for both, and any "${" in it first becomes "$ {": the variable then holds no
// "${" either, so no later reference to it (FreeSWITCH expands the values of the variables it
// substitutes too) can run anything. Scalelite escapes these values once, which the second
// expansion undoes.
func setValue(v string) string {
	return fsEscape(fsEscape(strings.ReplaceAll(v, "${", "$ {")))
}

// destinationExpression is the condition expression matching exactly the destination number
// did: ^<did>$ with every byte that is not a letter or a digit made literal for PCRE, then
// protected with fsEscape. Punctuation is escaped with a backslash (as Ruby's Regexp.escape
// does for Scalelite), except ( and ), which are written \x28 and \x29: FreeSWITCH substitutes
// $1, $2 ... in the data of every action of a condition whose expression contains "(", which
// would let a caller's text (its caller-id name) be rewritten. $ is written \x24: an escaped $
// right before the closing anchor would read as \$$, which FreeSWITCH turns into a single $.
// Bytes outside printable ASCII are written \xHH (PCRE matches bytes).
func destinationExpression(did string) string {
	var b strings.Builder
	for i := 0; i < len(did); i++ {
		c := did[i]
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			b.WriteByte(c)
		case c == '(' || c == ')' || c == '$' || c < 0x21 || c > 0x7e:
			b.WriteString(`\x`)
			if c < 0x10 {
				b.WriteByte('0')
			}
			b.WriteString(strconv.FormatUint(uint64(c), 16))
		default:
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	return "^" + fsEscape(b.String()) + "$"
}
