// The baseline's dispatch: a local activity that does nothing but exist (its cost is the SDK's).
export const bareActivities = {
  async dispatch(steps: string[]): Promise<number> {
    return steps.length;
  },
};
