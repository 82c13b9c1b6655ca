import { md5Hex } from "./page-keys";

/** Template fragments ({% cache %}): django.core.cache.utils.make_template_fragment_key. */

export const FRAGMENT_KEY_START = "template.cache.";

/** The literal start of every variant of a named fragment. */
export function fragmentKeyStart(name: string): string {
  return `${FRAGMENT_KEY_START}${name}.`;
}

/**
 * The exact key of one variant: md5 over each vary_on value followed by ":" ("a:b:"; none = md5 of ""). Django
 * str()-s each value, so values are given here as the strings Python would print.
 */
export function fragmentKey(name: string, varyOn: string[]): string {
  return `${fragmentKeyStart(name)}${md5Hex(varyOn.map((v) => `${v}:`).join(""))}`;
}
