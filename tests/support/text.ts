/**
 * Half a character: a high surrogate not followed by a low one, or a low one not after a high
 * one. A cut by UTF-16 units can leave one; UTF-8 then writes U+FFFD in its place.
 */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
