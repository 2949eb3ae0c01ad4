import { Type } from 'typebox';

export const Health = Type.Object({ status: Type.Literal('ok') });

export const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  database: Type.Object({
    writable: Type.Boolean(),
    error: Type.Optional(Type.String({ description: 'why the database takes no writes' })),
    migrations: Type.Object({ applied: Type.Integer(), expected: Type.Integer() }),
  }),
  outbox: Type.Object({
    pending: Type.Integer({ description: 'mails waiting to be sent' }),
    oldestPendingSeconds: Type.Integer({ description: 'age of the oldest waiting mail, in seconds; 0 when none waits' }),
  }),
});
