import { maskPhone, type PhoneViewer } from './appeals';

/**
 * A staff member's phone (kept for SMS), as a reader of a user list sees it: whole for those who must
 * call staff — admins (who keep it) and supervisors (who urge) — and masked like a citizen's
 * (138****1234) for everyone else.
 */
export function seesStaffPhone(viewer: Pick<PhoneViewer, 'role'>): boolean {
  return viewer.role === 'admin' || viewer.role === 'supervisor';
}

export function staffPhoneFor(viewer: Pick<PhoneViewer, 'role'>, phone: string | null): string | null {
  if (!phone) return null;
  return seesStaffPhone(viewer) ? phone : maskPhone(phone);
}
