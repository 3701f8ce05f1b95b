export const USER_ROLES = { admin: "admin", moderator: "moderator", labelRep: "label_rep" } as const;
export type UserRole = (typeof USER_ROLES)[keyof typeof USER_ROLES];

/** Who may moderate: moderators and admins. Label reps never see /admin. */
export const MODERATION_ROLES: readonly UserRole[] = [USER_ROLES.moderator, USER_ROLES.admin];
export const ADMIN_ROLES: readonly UserRole[] = [USER_ROLES.admin];
