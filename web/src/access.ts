// What the UI offers to whom. The server enforces the real policy on every
// request; these only decide which controls are shown, mirroring that policy.
import type { Org, Role, User } from './api';

/** Coordination office and auditors see every user; everyone else their own organisation's. */
export function canSeeUsers(me: User, org: Org): boolean {
  return me.role === 'coordination_office' || me.role === 'auditor' || me.org_id === org.id;
}

/** Changing the directory's organisations (an institution's size tier): the coordination office. */
export function canManageOrgs(me: User): boolean {
  return me.role === 'coordination_office';
}

/** Coordination office: any organisation; institution admin: its own. */
export function canManageUsers(me: User, org: Org): boolean {
  return (
    me.role === 'coordination_office' || (me.role === 'institution_admin' && me.org_id === org.id)
  );
}

/**
 * Roles `me` may give a new user of `org`, most common first: the roles that fit
 * the organisation's kind, less those only the coordination office may grant.
 */
export function assignableRoles(me: User, org: Org): Role[] {
  const reserved: Role[] = ['coordination_office', 'auditor'];
  const fitting = ROLES_BY_KIND[org.kind];
  return me.role === 'coordination_office' ? fitting : fitting.filter((r) => !reserved.includes(r));
}

const ROLES_BY_KIND: Record<Org['kind'], Role[]> = {
  regulator: ['coordination_office', 'auditor', 'exercise_controller', 'evaluator'],
  bureau: ['bureau_staff', 'coordination_office', 'auditor'],
  isac: ['isac_analyst', 'exercise_controller', 'evaluator'],
  institution: ['institution_member', 'institution_admin', 'exercise_controller', 'evaluator'],
};

/** Roles with a place in the sector survey: institutions answer, the regulator's staff oversee. */
export function canUseSurvey(me: User): boolean {
  return isSurveyRegulator(me) || canAnswerSurvey(me);
}

/** The regulator's survey views (campaigns, assignments, sector): coordination office, bureaus, auditors. */
export function isSurveyRegulator(me: User): boolean {
  return me.role === 'coordination_office' || me.role === 'bureau_staff' || me.role === 'auditor';
}

/** An institution's own admins and members answer its questionnaire. */
export function canAnswerSurvey(me: User): boolean {
  return me.role === 'institution_admin' || me.role === 'institution_member';
}

/** Submitting under attestation and asking to reopen: the institution's admins. */
export function canSubmitSurvey(me: User): boolean {
  return me.role === 'institution_admin';
}

/** Opening, extending, reopening and closing campaigns: the coordination office. */
export function canManageCampaigns(me: User): boolean {
  return me.role === 'coordination_office';
}

/** Question banks: drafts edited and published by the coordination office. */
export function canManageBanks(me: User): boolean {
  return me.role === 'coordination_office';
}

/** A supervisor's own rating: bureau staff (their institutions) and the coordination office. */
export function canRateSurvey(me: User): boolean {
  return me.role === 'coordination_office' || me.role === 'bureau_staff';
}

/** The sector report download: the coordination office and bureau staff (not auditors). */
export function canDownloadSectorReport(me: User): boolean {
  return me.role === 'coordination_office' || me.role === 'bureau_staff';
}
