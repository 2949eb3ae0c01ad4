/**
 * The public address of the site, for links in mails. Set once at start from PUBLIC_URL
 * (apps/api/src/app.ts); domain code that writes mails in a transaction reads it here rather
 * than threading it through every call.
 */
let publicUrl = 'http://localhost:3000';

export function setPublicUrl(url: string): void {
  publicUrl = url.replace(/\/$/, '');
}

export const links = {
  get base() {
    return publicUrl;
  },
  event: (id: number) => `${publicUrl}/evenemang/${id}`,
  manage: (token: string) => `${publicUrl}/anmalan/${token}`,
  poll: (id: number) => `${publicUrl}/moten/${id}`,
};
