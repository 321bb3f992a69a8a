import { describe, expect, it } from 'vitest';
import type { Org, Role, User } from './api';
import {
  assignableRoles,
  canAnswerSurvey,
  canDownloadSectorReport,
  canManageBanks,
  canManageCampaigns,
  canManageOrgs,
  canManageUsers,
  canRateSurvey,
  canSeeUsers,
  canSubmitSurvey,
  canUseSurvey,
  isSurveyRegulator,
} from './access';

const org = (id: string, kind: Org['kind']): Org => ({
  id,
  kind,
  name_ja: id,
  name_en: id,
  sector: null,
  parent_id: null,
  size_tier: null,
  created_at: '',
});
const user = (role: Role, orgId: string): User => ({
  id: `u-${role}`,
  org_id: orgId,
  username: role,
  display_name: role,
  role,
  locale: 'ja',
  disabled: false,
  last_login_at: null,
  created_at: '',
});

describe('access', () => {
  const own = org('mb01', 'institution');
  const other = org('rb01', 'institution');

  it('lets the coordination office manage anyone and an admin only its own organisation', () => {
    expect(canManageUsers(user('coordination_office', 'fsa'), other)).toBe(true);
    expect(canManageUsers(user('institution_admin', 'mb01'), own)).toBe(true);
    expect(canManageUsers(user('institution_admin', 'mb01'), other)).toBe(false);
    expect(canManageUsers(user('institution_member', 'mb01'), own)).toBe(false);
    expect(canManageUsers(user('auditor', 'fsa'), own)).toBe(false);
  });

  it("shows other organisations' users only to the coordination office and auditors", () => {
    expect(canSeeUsers(user('auditor', 'fsa'), other)).toBe(true);
    expect(canSeeUsers(user('bureau_staff', 'sb'), other)).toBe(false);
    expect(canSeeUsers(user('institution_member', 'mb01'), own)).toBe(true);
  });

  it('offers an institution admin only institution roles', () => {
    expect(assignableRoles(user('institution_admin', 'mb01'), own)).toEqual([
      'institution_member',
      'institution_admin',
      'exercise_controller',
      'evaluator',
    ]);
    expect(
      assignableRoles(user('institution_admin', 'mb01'), org('fsa', 'regulator')),
    ).not.toContain('coordination_office');
    expect(assignableRoles(user('coordination_office', 'fsa'), org('sb', 'bureau'))).toEqual([
      'bureau_staff',
      'coordination_office',
      'auditor',
    ]);
  });

  it('offers the survey to institutions and the regulator, not to the ISAC or exercise roles', () => {
    expect(canUseSurvey(user('institution_member', 'mb01'))).toBe(true);
    expect(canUseSurvey(user('bureau_staff', 'sb'))).toBe(true);
    expect(canUseSurvey(user('isac_analyst', 'isac'))).toBe(false);
    expect(canUseSurvey(user('evaluator', 'mb01'))).toBe(false);
    expect(isSurveyRegulator(user('auditor', 'fsa'))).toBe(true);
    expect(isSurveyRegulator(user('institution_admin', 'mb01'))).toBe(false);
    expect(canAnswerSurvey(user('institution_member', 'mb01'))).toBe(true);
    expect(canSubmitSurvey(user('institution_member', 'mb01'))).toBe(false);
    expect(canSubmitSurvey(user('institution_admin', 'mb01'))).toBe(true);
    expect(canManageCampaigns(user('bureau_staff', 'sb'))).toBe(false);
    expect(canRateSurvey(user('bureau_staff', 'sb'))).toBe(true);
    expect(canRateSurvey(user('auditor', 'fsa'))).toBe(false);
    expect(canDownloadSectorReport(user('bureau_staff', 'sb'))).toBe(true);
    expect(canDownloadSectorReport(user('auditor', 'fsa'))).toBe(false);
    expect(canManageBanks(user('coordination_office', 'fsa'))).toBe(true);
    expect(canManageBanks(user('bureau_staff', 'sb'))).toBe(false);
    expect(canManageBanks(user('institution_admin', 'mb01'))).toBe(false);
  });

  it('lets only the coordination office change organisations such as a size tier', () => {
    expect(canManageOrgs(user('coordination_office', 'fsa'))).toBe(true);
    for (const role of ['auditor', 'bureau_staff', 'isac_analyst', 'institution_admin'] as Role[]) {
      expect(canManageOrgs(user(role, 'mb01')), role).toBe(false);
    }
  });
});
