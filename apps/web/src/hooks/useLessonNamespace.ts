import { useState } from 'react';
import { readItem, writeItem } from '../persist/storage.ts';
import { useAppStore } from './useAppStore.ts';
import type { AppState } from '../store/createAppStore.ts';

/** Not a progress key (those start with `l4lab.lesson`): the chooser's setting stays here. */
const CHOSEN_KEY = 'l4lab.checkNamespace';

const selectUser = (s: AppState) => ({ role: s.user?.role, own: s.user?.namespace });

export interface LessonNamespace {
  /** Where the checks look, and whose progress the panel shows. */
  namespace: string;
  /** Present for whoever may look at any namespace (the instructor): the chooser's setter. */
  choose?: (namespace: string) => void;
}

/** A student's checks run in their own namespace; the instructor picks one (`default` first). */
export function useLessonNamespace(): LessonNamespace {
  const { role, own } = useAppStore(selectUser);
  const [chosen, setChosen] = useState(() => readItem(CHOSEN_KEY) ?? 'default');
  if (role === 'student' && own) return { namespace: own };
  return {
    namespace: chosen,
    choose: (namespace) => {
      writeItem(CHOSEN_KEY, namespace);
      setChosen(namespace);
    },
  };
}
