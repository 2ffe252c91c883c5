/** `text` matched literally inside a regular expression. */
export const escapeRegularExpression = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
