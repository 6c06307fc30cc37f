/** A JSON value: what offsets and sink states are made of, so a manifest can hold them. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
