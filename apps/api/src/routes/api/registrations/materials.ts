import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { fileStore, openParticipantMaterialFile, participantMaterials } from '@samverka/core';
import { Type } from 'typebox';
import { errors, ParticipantMaterials, TokenMaterialParams, TokenParams } from '@samverka/contracts';
import { sendStoredFile } from '../../stored-files.ts';

const tags = ['materials'];

/** Routes under /api/registrations/:token: the materials a participant reaches through their manage link. */
const participantMaterialRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const store = fileStore(app.config.dataDir);
  app.get(
    '/:token/materials',
    {
      schema: {
        tags,
        summary: 'The documentation and materials of my event; participant-only ones once my seat is confirmed',
        params: TokenParams,
        response: { 200: ParticipantMaterials, ...errors(400, 404) },
      },
    },
    async (req, reply) => reply.header('cache-control', 'private, no-store').send(participantMaterials(app.db, req.params.token)),
  );
  app.get(
    '/:token/materials/:materialId/file',
    {
      schema: {
        tags,
        summary: 'Download a material through my manage link',
        params: TokenMaterialParams,
        response: { 200: Type.String({ description: 'the file' }), 304: Type.Null(), ...errors(400, 404) },
      },
    },
    async (req, reply) =>
      sendStoredFile(req, reply, { ...openParticipantMaterialFile(app.db, store, req.params.token, req.params.materialId), private: true }),
  );
};

export default participantMaterialRoutes;
