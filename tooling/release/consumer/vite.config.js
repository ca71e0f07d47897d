// tfjs-core + layers make one large chunk; that is expected for this page.
export default { build: { chunkSizeWarningLimit: 4096 } };
