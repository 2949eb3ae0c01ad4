import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listCounties, listThemes } from '@samverka/core';
import { CountyList, ThemeList } from '@samverka/contracts';

const reference: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/themes', { schema: { tags: ['reference'], response: { 200: ThemeList } } }, async () => listThemes(app.db));
  app.get(
    '/counties',
    {
      schema: {
        tags: ['reference'],
        summary: 'Counties with their clusters; counties without one have an empty list',
        response: { 200: CountyList },
      },
    },
    async () => listCounties(app.db),
  );
};
export default reference;
