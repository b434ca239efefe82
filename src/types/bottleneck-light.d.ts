// bottleneck types only its full build; the light one (no Redis clustering) is what the Octokit plugins load.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
