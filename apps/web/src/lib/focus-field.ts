import { useTemplateRef } from 'vue';

/**
 * For a form component to expose: `focus()` puts the cursor in its field (the element with
 * `ref="input"`) and selects what is there, so typing replaces it. Call it during setup.
 */
export function useFocusField(): { focus(): void } {
  const input = useTemplateRef<HTMLInputElement>('input');
  return {
    focus() {
      input.value?.focus();
      input.value?.select();
    },
  };
}
