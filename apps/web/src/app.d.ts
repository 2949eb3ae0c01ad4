import type { User } from '@samverka/contracts';
import type { Lang } from '$lib/i18n';
import type { Api } from '$lib/server/api';

declare global {
  namespace App {
    interface Locals {
      lang: Lang;
      user: User | null;
      /** The API token from the httpOnly session cookie; only server code sees it. */
      token: string | null;
      api: Api;
    }
    interface Error {
      message: string;
      code?: string;
    }
  }
}
