// Wires the modules' reactions to each other's domain events before anything can raise one.
import './reactions.ts';

export * from './errors.ts';
// The bus itself stays inside core (its subscribe would clash with the mailing list's, and only
// core's modules raise or react to domain events); the apps get its types.
export type { DomainEventBase, DomainEventMap, DomainEventName } from './domain-events.ts';
export * from './access.ts';
export * from './escape.ts';
export * from './tokens.ts';
export * from './passwords.ts';
export * from './auth-service.ts';
export * from './users-service.ts';
export * from './clusters-service.ts';
export * from './outbox/compose.ts';
export * from './outbox/outbox.ts';
export * from './outbox/worker.ts';
export * from './outbox/retention.ts';
export * from './time.ts';
export * from './jobs.ts';
export * from './markdown.ts';
export * from './events/event-access.ts';
export * from './events/event-input.ts';
export * from './events/event-view.ts';
export * from './events/event-service.ts';
export * from './events/series-service.ts';
export * from './proposals/proposal-service.ts';
export * from './feeds/ics.ts';
export * from './feeds/feed-service.ts';
export * from './feeds/personal-feed.ts';
export * from './links.ts';
export * from './registrations/registration-mail.ts';
export * from './registrations/registration-service.ts';
export * from './registrations/personal-data.ts';
export * from './polls/poll-service.ts';
export * from './mailings/subscription-service.ts';
export * from './mailings/announcement-service.ts';
export * from './mailings/newsletter-service.ts';
export * from './horizon/horizon-service.ts';
export * from './reports/report-service.ts';
export * from './texts/index.ts';
