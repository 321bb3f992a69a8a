import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n, useSession } from '../context';
import { roleLabel } from '../labels';
import { LanguageSwitch } from './LanguageSwitch';

/** The signed-in user's name as a menu button holding the language switch and logout. */
export function UserMenu() {
  const { t } = useI18n();
  const { session, logout } = useSession();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: Event) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('mousedown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div class="user-menu" ref={root}>
      <button
        type="button"
        ref={button}
        class="user-menu-button"
        aria-expanded={open}
        aria-controls="user-menu-panel"
        title={t('menu.open')}
        onClick={() => setOpen(!open)}
      >
        <span class="user-menu-name">{session.user.display_name}</span>
        <span class="user-menu-role">{roleLabel(t, session.user.role)}</span>
        <span aria-hidden="true" class="caret">
          ▾
        </span>
      </button>
      {open && (
        <div class="user-menu-panel" id="user-menu-panel">
          <p class="muted small">{t('menu.signedInAs', { name: session.user.username })}</p>
          <p class="menu-heading">{t('menu.language')}</p>
          <LanguageSwitch />
          <hr />
          <button type="button" class="button" onClick={() => void logout()}>
            {t('menu.logout')}
          </button>
        </div>
      )}
    </div>
  );
}
