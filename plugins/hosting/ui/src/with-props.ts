import { defineComponent, h, type Component } from 'vue';

/** A page component that renders `component` with fixed props (a list or create screen's description). */
export function withProps(component: Component, props: object): Component {
  return defineComponent({ name: 'HostingScreen', setup: () => () => h(component, props) });
}
