import { type Ref, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorLines } from './client.ts';

/**
 * A page's load: what it fetched (null until it did, and again after a failure), the failure as
 * lines to show, and whether a fetch is under way. `load()` runs `fetch` again (on a filter's
 * change, after a command).
 */
export function useLoad<T>(fetch: () => Promise<T>) {
  const { t } = useI18n();
  const data = ref(null) as Ref<T | null>;
  const errors = ref<string[]>([]);
  const loading = ref(false);
  async function load(): Promise<void> {
    loading.value = true;
    errors.value = [];
    try {
      data.value = await fetch();
    } catch (err) {
      data.value = null;
      errors.value = errorLines(err, t);
    } finally {
      loading.value = false;
    }
  }
  return { data, errors, loading, load };
}
