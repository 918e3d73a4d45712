// The baseline's dispatch: a local activity that does nothing but exist (its cost is the SDK's); and its
// delivery to a department's own system: an ordinary activity that does nothing either.
export const bareActivities = {
  async dispatch(steps: string[]): Promise<number> {
    return steps.length;
  },
  async deliver(step: string): Promise<string> {
    return step;
  },
};
