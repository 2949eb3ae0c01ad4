import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  addLink,
  assertCanAddMaterials,
  deleteMaterial,
  DomainError,
  fileStore,
  listEventMaterials,
  MAX_FILE_BYTES,
  openMaterialFile,
  saveDocumentation,
  updateMaterial,
  uploadFile,
  type MaterialView,
  type Actor,
} from '@samverka/core';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  DocumentationAnswer,
  DocumentationBody,
  errors,
  EventMaterialParams,
  EventMaterials,
  IdParams,
  LinkBody,
  Material,
  MaterialPatch,
  UploadDescription,
  uploadErrors,
} from '@samverka/contracts';
import { cookieActor, sendStoredFile } from '../../stored-files.ts';

const tags = ['materials'];
const security = [{ bearer: [] }];

/**
 * Routes under /api/events/:id for an event's documentation and materials. Uploads are streamed
 * (multipart, registered here only) straight to disk by core; nothing holds a whole file.
 */
const materialRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const store = fileStore(app.config.dataDir);
  await app.register(multipart, {
    // One byte over the limit lets core see that the file is too large; busboy drops the rest.
    limits: { fileSize: MAX_FILE_BYTES + 1, files: 1, fields: 10, fieldSize: 2000, parts: 12 },
    throwFileSizeLimit: false,
  });

  /** Reads the form's fields (which come first) and streams its one `file` part to core. */
  async function receive(req: FastifyRequest, actor: Actor | null, eventId: number, fields: Record<string, string>): Promise<MaterialView> {
    // Refused before reading a byte of the body.
    assertCanAddMaterials(app.db, actor, eventId);
    let stored: MaterialView | null = null;
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        if (typeof part.value === 'string') fields[part.fieldname] = part.value;
      } else if (part.fieldname === 'file' && !stored) {
        stored = await uploadFile(app.db, store, actor, eventId, {
          source: part.file,
          filename: part.filename,
          title: fields.title?.trim() || undefined,
          visibility: (fields.visibility || undefined) as 'public' | undefined,
        });
      } else {
        part.file.resume();
      }
    }
    if (!stored)
      throw new DomainError('invalid', 'file_required', 'Choose a file to upload', [
        { field: 'file', code: 'required', message: 'no file in the form' },
      ]);
    return stored;
  }

  app.get(
    '/:id/materials',
    {
      schema: {
        tags,
        summary: 'The documentation and the materials you may see (participant-only ones: organisers)',
        params: IdParams,
        response: { 200: EventMaterials, ...errors(400, 401, 404) },
      },
    },
    async (req) => listEventMaterials(app.db, req.actor, req.params.id),
  );

  app.put(
    '/:id/documentation',
    {
      schema: {
        tags,
        summary: 'Write the documentation (Markdown, sanitised like descriptions); an empty body removes it',
        security,
        params: IdParams,
        body: DocumentationBody,
        response: { 200: DocumentationAnswer, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => ({ documentation: saveDocumentation(app.db, req.actor, req.params.id, req.body.body) }),
  );

  app.post(
    '/:id/materials/links',
    {
      schema: {
        tags,
        summary: 'Add a link',
        security,
        params: IdParams,
        body: LinkBody,
        response: { 201: Material, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => reply.code(201).send(addLink(app.db, req.actor, req.params.id, req.body)),
  );

  app.post(
    '/:id/materials/files',
    {
      schema: {
        tags,
        summary: 'Upload a file (streamed; type decided from the content)',
        description: UploadDescription,
        consumes: ['multipart/form-data'],
        security,
        params: IdParams,
        response: { 201: Material, ...errors(400, 401, 403, 404, 409), ...uploadErrors },
      },
    },
    async (req, reply) => reply.code(201).send(await receive(req, req.actor, req.params.id, {})),
  );

  app.post(
    '/:id/materials/form',
    {
      schema: {
        tags,
        summary: 'The web form’s upload: the session cookie, then a redirect back to the materials page',
        description: `${UploadDescription} Answers 303 to /evenemang/:id/material, with \`fel\` (the error code) when the file was refused. Posts from another origin are refused.`,
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 303: Type.Null(), ...errors(400, 403) },
      },
    },
    async (req, reply) => {
      // Cookies make this route a target for cross-site posts: only our own pages may post here.
      if (req.headers.origin !== new URL(app.config.publicUrl).origin)
        throw new DomainError('forbidden', 'cross_site_post', 'Uploads through the form must come from this site');
      const id = req.params.id;
      const back = `/evenemang/${id}/material`;
      const actor = cookieActor(app, req);
      if (!actor) return reply.redirect(`/logga-in?tillbaka=${encodeURIComponent(back)}`, 303);
      const fields: Record<string, string> = {};
      try {
        await receive(req, actor, id, fields);
        return reply.redirect(`${back}?klart=uppladdad#material-lista`, 303);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        const keep = new URLSearchParams({ fel: err.code, titel: (fields.title ?? '').slice(0, 200), synlighet: fields.visibility ?? '' });
        return reply.redirect(`${back}?${keep}#ladda-upp`, 303);
      }
    },
  );

  app.patch(
    '/:id/materials/:materialId',
    {
      schema: {
        tags,
        summary: 'Rename a material or change who may see it',
        security,
        params: EventMaterialParams,
        body: MaterialPatch,
        response: { 200: Material, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => updateMaterial(app.db, req.actor, req.params.id, req.params.materialId, req.body),
  );

  app.delete(
    '/:id/materials/:materialId',
    {
      schema: {
        tags,
        summary: 'Remove a material (its file leaves the disk unless another material has the same content)',
        security,
        params: EventMaterialParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      deleteMaterial(app.db, store, req.actor, req.params.id, req.params.materialId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/:id/materials/:materialId/file',
    {
      schema: {
        tags,
        summary: 'Download a file (organisers also by their session cookie, so plain links work)',
        params: EventMaterialParams,
        response: {
          200: Type.String({ description: 'the file, with the type decided at upload' }),
          304: Type.Null(),
          ...errors(400, 401, 404),
        },
      },
    },
    async (req, reply) =>
      sendStoredFile(req, reply, openMaterialFile(app.db, store, cookieActor(app, req), req.params.id, req.params.materialId)),
  );
};

export default materialRoutes;
