import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** OpenAPI document at /api/openapi.json, generated from the route schemas; a browsable page at /api/docs. */
export default fp(
  async function docs(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        info: { title: 'Samverka API', version: '1.0.0', description: 'The API of the Swedish green clusters network platform.' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      },
    });
    // The docs page runs Swagger UI's own scripts: a CSP with their hashes (staticCSP), and no
    // framing by any site (frame-ancestors 'none'), against clickjacking with a user's token.
    // upgrade-insecure-requests only over https, or a plain-http install could not load its assets.
    const https = app.config.publicUrl.startsWith('https:');
    await app.register(swaggerUi, {
      routePrefix: '/api/docs',
      staticCSP: true,
      transformStaticCSP: (header) => {
        const csp = header.replace("frame-ancestors 'self'", "frame-ancestors 'none'");
        return https ? csp : csp.replace(/\s*upgrade-insecure-requests;?/, '');
      },
    });
    app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'docs' },
);
