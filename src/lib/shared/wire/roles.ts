/**
 * Who someone is in a workshop, as the server decides it from the link and key they hold:
 * a facilitator (holds a facilitator key), a participant (the room link) or an observer (the
 * read-only link). One union for the server, the client and presence.
 */
export const ROLES = ['facilitator', 'participant', 'observer'] as const;
export type Role = (typeof ROLES)[number];
