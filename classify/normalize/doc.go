// Package normalize rewrites ad text into one canonical form before matching
// and keeps a map from every normalised byte back to the original text, so
// that a match found in the normalised text can be shown where it was really
// written.
//
// A Normalizer is built once (New) and is immutable and safe for concurrent
// use. Normalize makes one pass over the runes of the input; every rune is
// looked up in a table precomputed at New (an array for the Basic Multilingual
// Plane, a small map and a few range checks above it), so no per-rune call to
// the Unicode libraries is made while normalising.
//
// # Mappings, in the order they are composed into each rune's table entry
//
//  1. NFKC (golang.org/x/text/unicode/norm), one rune at a time: full-width
//     forms become ASCII (１３８ → 138, ＶＸ → VX, ：→ :, ，→ ,, （）→ ()),
//     mathematical bold/sans/monospace digits and letters become ASCII
//     (𝟭𝟯𝟴 → 138), circled numbers become digits (① → 1, ⑩ → 10), Kangxi
//     radicals and CJK compatibility ideographs become the unified ideograph
//     (⼀ → 一, 豈 → 豈 → 岂 after step 3), superscripts become digits,
//     ligatures are split (ﬁ → fi), squared words are spelled (㎏ → kg,
//     ℡ → tel).
//     Exceptions and additions:
//     - parenthesised and full-stop/comma number forms map to the bare number,
//     not to "(1)" or "1.": ⑴ → 1, ⒈ → 1, ⒇ → 20, 🄂 → 1, and likewise the
//     parenthesised letters ⒜ → a, 🄐 → a and parenthesised ideographic
//     numbers ㈠ → 一 (other parenthesised ideographs such as ㈱ keep NFKC's
//     "(株)");
//     - number forms NFKC leaves alone are mapped too: negative circled and
//     dingbat circled digits ❶ ➀ ➊ → 1, ⓫ → 11, ⓵ → 1, ⓿ → 0; negative
//     circled/squared letters 🅐 🅰 → a;
//     - decimal digits of every other script (Arabic-Indic ٣, Devanagari ३,
//     …, which NFKC keeps) become ASCII digits; Chinese numerals (一, 两, 壹 …)
//     are NOT turned into digits here: only the extractors do that, and only
//     in a run long enough to be a number;
//     - a rune whose NFKC form would contain a space (¨ → " ̈", ´ …) is kept
//     as it is; combining marks, format characters and symbols that NFKC
//     leaves in a rune's form are dropped from it (ﬠ's Hebrew points, the
//     half-width voiced mark ﾞ, the arrow of ￩), as they would be standing
//     alone, so that normalising twice changes nothing;
//     - there is no canonical composition across runes (a decomposed é stays
//     e + U+0301, and combining marks are then removed, see 4); Chinese text
//     never needs it.
//  2. Lower case: unicode.ToLower of every rune of the NFKC form (ASCII,
//     full-width and every other cased script).
//  3. Traditional → simplified Chinese: a rune → rune table built at New from
//     the OpenCC TSCharacters dictionary shipped inside the Go module
//     github.com/liuzl/gocc (Apache-2.0). Where OpenCC lists several simplified
//     forms the first one, the commonest, is taken (乾 → 干, 徵 → 征, 髮 → 发);
//     chains are followed to their end (薴 → 苧 → 苎) so that converting twice
//     changes nothing.
//     Characters that are themselves simplified characters (著, 瞭, 藉 …) are
//     left alone, as OpenCC does; phrase-level conversion (著 → 着 in 著急)
//     is not done: one rune never becomes several. Example: 掛證 → 挂证,
//     建造師 → 建造师, 資質 → 资质, 薦 → 荐.
//  4. Removed everywhere: format characters (Unicode Cf: U+200B–U+200F,
//     U+202A–U+202E, U+2060–U+2064, U+2066–U+206F, U+FEFF, soft hyphen U+00AD,
//     tags U+E0000–U+E007F …), variation selectors (U+FE00–U+FE0F,
//     U+E0100–U+E01EF), the combining keycap U+20E3 (so 1️⃣ becomes 1), all
//     other combining marks (Mn, Me), control characters other than tab and
//     line breaks, invisible Hangul fillers, invalid UTF-8 bytes; and emoji,
//     pictographs, dingbats and other symbols (Unicode So from U+2100 up that
//     NFKC does not map to letters or digits, all arrows U+2190–U+21FF,
//     geometric shapes U+25A0–U+25FF, ※, 〰, 〽, emoji U+1F000–U+1FAFF
//     including skin tones and regional indicators): ★☆♥✔☎●■→🔥 vanish.
//     Exception: the heavy plus signs ➕ ✚ ✙ ✛ ✜ become "+" when directly
//     followed (format characters aside) by a contact cue whose first
//     normalised rune is v, w, q, 微, 薇, 威, 徽, 扣 or 企 (➕V → +v, ➕微 →
//     +微); otherwise they are removed like any emoji. An ASCII or full-width
//     plus sign is always kept.
//  5. Separators inside words: a run made only of horizontal whitespace
//     (space, tab, U+3000, NBSP …), the separator characters
//     . * · • ° - _ | / \ ~ ^ ` ' " # @ = (after NFKC, so their full-width
//     forms too, and … which NFKC makes "...") plus ・ ‧ ∙ ⋅ ‐ ‑ ‒ – 〜 ∼,
//     and removed characters (emoji,
//     format characters) is deleted when it stands between two CJK
//     ideographs, or between an ideograph and an ASCII digit in either order:
//     挂 证, 挂.证, 挂*证, 挂🔥证, 挂\u200b证, 一.建, 一建 3本 become 挂证,
//     一建, 一建3本. Consequences worth knowing: 3万/年 becomes 3万年 and
//     2000 / 月 becomes 2000月 (the extractors read both forms); runs that
//     contain a line break are never deleted. Ordinary punctuation
//     (，。！？；：、（）【】 and “”) is not a separator and is kept, in its
//     NFKC form (，→ ,). Between digits, Latin letters, or a letter and an
//     ideograph, separators are kept (138-0013-8000, 1.5, gua zheng, a@b.com).
//  6. Whitespace: every run of whitespace that survives step 5 (emoji and
//     format characters inside it do not break it) becomes one character: a
//     newline "\n" if the run contained a line break (\n, \r, \v, \f, U+0085,
//     U+2028, U+2029), else one space. Leading and trailing whitespace is
//     collapsed the same way, not trimmed.
//
// Private-use characters (custom icon fonts) and everything not named above
// are kept as they are; homophones and look-alike characters (桂/卦 for 挂)
// are left to the rule files.
//
// # Offset map
//
// Text.OrigRange maps a normalised byte range back to the original byte range
// that produced it. A replacement (掛 → 挂, １ → 1, ⑴ → 1, a collapsed run of
// spaces) is atomic: any part of its output maps to the whole original rune or
// run. Removed characters belong to no output byte, so they are covered only
// when they lie between two mapped bytes (the range of 挂证 in "挂 🔥 证" is
// the whole "挂 🔥 证"), except that a removed combining mark or variation
// selector right after a written rune belongs to that rune (the range of 1 in
// "1️⃣" is all of "1️⃣"). Every returned offset is a rune boundary of the
// original, and the map is monotone.
package normalize
