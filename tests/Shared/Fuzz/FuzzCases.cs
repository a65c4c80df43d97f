using System.Runtime.ExceptionServices;
using Xunit.Sdk;

namespace Station.Testing.Fuzz;

/// <summary>
/// Runs a property (<see cref="Run"/>) or an async one (<see cref="RunAsync"/>) over many seeded cases. Each case has its own seed, derived from a fixed base seed,
/// so a failure names the one seed and input that reproduce it; each runs under a watchdog so a loop that
/// never ends fails the test instead of hanging the run.
/// </summary>
internal static class FuzzCases
{
    /// <summary>Far beyond what one case needs: only a real hang gets here.</summary>
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


    public static void Run<TCase>(int baseSeed, int iterations, Func<Random, TCase> generate, Action<TCase> check, Func<TCase, string> describe)
    {
        var current = new Current<TCase>();
        var worker = Task.Run(() =>
        {
            var seeds = new Random(baseSeed);
            for (int i = 0; i < iterations; i++)
            {
                int seed = seeds.Next();
                var input = generate(new Random(seed));
                current.Set(i, seed, input);
                try
                {
                    check(input);
                }
                catch (Exception e)
                {
                    throw new XunitException(current.Report(baseSeed, describe, $"{e.GetType().Name}: {e.Message}") + Environment.NewLine + e);
                }
            }
        });

        // The watchdog: each time the worker is still busy, it must have moved on to another case since the last look.
        long seen = -1;
        try
        {
            while (!worker.Wait(CaseTimeout))
            {
                if (current.Index == seen)
                {
                    throw new XunitException(current.Report(baseSeed, describe, $"did not finish within {CaseTimeout.TotalSeconds} s (a loop that never ends?)"));
                }

                seen = current.Index;
            }
        }
        catch (AggregateException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
        }
    }

    /// <summary>The case the worker is on, readable by the watchdog.</summary>
    private sealed class Current<TCase>
    {
        private readonly Lock _gate = new();
        private long _index = -1;
        private int _seed;
        private TCase? _input;

        public long Index
        {
            get
            {
                lock (_gate)
                {
                    return _index;
                }
            }
        }

        public void Set(int index, int seed, TCase input)
        {
            lock (_gate)
            {
                (_index, _seed, _input) = (index, seed, input);
            }
        }

        public string Report(int baseSeed, Func<TCase, string> describe, string what)
        {
            lock (_gate)
            {
                return $"Case {_index} (base seed {baseSeed}, case seed {_seed}) failed: {what}{Environment.NewLine}Input: {describe(_input!)}";
            }
        }
    }
}
