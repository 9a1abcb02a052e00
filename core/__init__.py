"""signaldesk core: config, models, store, sources, pipeline steps, publishing, exports."""
