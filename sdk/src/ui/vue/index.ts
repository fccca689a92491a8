/**
 * `@mpanel/sdk/ui/vue`: the Vue UI kit the host's screens and plugins' screens share — lists,
 * forms, loading states, record pages and display helpers. It is a shared module of the host's
 * import map, so a plugin gets the host's instance (one Vue, one API client, one i18n).
 *
 * Texts come from the host's i18n messages (`state.*`, `list.*`, `form.*`); labels passed in
 * props are shown as given (list and create pages translate theirs with `t()`).
 */
export { default as DataList, type Column, type Filter } from './DataList.vue';
export { default as FieldsForm, type FieldSpec } from './FieldsForm.vue';
export { default as FormField } from './FormField.vue';
export { default as SchemaForm, type SettingsSchema } from './SchemaForm.vue';
export { default as StateBlock } from './StateBlock.vue';
export { default as RecordPage } from './RecordPage.vue';
export { default as ListPage } from './ListPage.vue';
export { default as CreatePage } from './CreatePage.vue';
export { useLoad, type Loaded } from './use-load.ts';
export { useForm } from './use-form.ts';
export { api, bindApi } from './host-api.ts';
export { date, dateTime, fromMinor, minorDigits, money, toMinor } from './format.ts';
export { choices, filled, rowLinkTo, type CreateScreen, type FormValues, type ListScreen } from './screens.ts';
export { default as MetricCards, type Metric } from './MetricCards.vue';
export { PluginSlot, SLOT_OUTLET } from './plugin-slot.ts';
