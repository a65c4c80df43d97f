using Xunit.Sdk;

namespace Station.Traceability.Tests.Fuzz;

/// <summary>
/// Runs an async property over many seeded cases. Each case has its own seed, derived from a fixed base seed,
/// so a failure names the one seed and input that reproduce it; each runs under a watchdog so a loop that
/// never ends fails the test instead of hanging the run.
/// </summary>
internal static class FuzzCases
{
    /// <summary>Far beyond what one case needs (milliseconds): only a real hang gets here.</summary>
    public static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(10);

    public static async Task RunAsync<TCase>(int baseSeed, int iterations, Func<Random, TCase> generate, Func<TCase, Task> check, Func<TCase, string> describe)
    {
        var seeds = new Random(baseSeed);
        for (int i = 0; i < iterations; i++)
        {
            int seed = seeds.Next();
            var input = generate(new Random(seed));
            try
            {
                await Task.Run(() => check(input)).WaitAsync(CaseTimeout);
            }
            catch (Exception e)
            {
                string what = e is TimeoutException ? $"did not finish within {CaseTimeout.TotalSeconds} s (a loop that never ends?)" : e.Message;
                throw new XunitException($"Case {i} (base seed {baseSeed}, case seed {seed}) failed: {e.GetType().Name}: {what}{Environment.NewLine}Input: {describe(input)}{Environment.NewLine}{e}");
            }
        }
    }
}
