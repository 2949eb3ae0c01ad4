// Pages are rendered on the server and ship no JavaScript: every page and form works on a
// slow rural link and without scripts, and nothing is downloaded that the page does not need.
export const csr = false;
