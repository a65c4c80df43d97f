using Polly;
using Polly.Retry;
using Polly.Timeout;
using Station.Flashing.Errors;
using Station.Profiles;

namespace Station.Line.Units;

/// <summary>
/// The line's resilience pipelines, built with Polly from the profile's retry policy. Every retry is
/// reported through the unit's recorder (so it lands in the record) before the next try starts.
/// </summary>
internal static class LinePolicies
{
    private static readonly ResiliencePropertyKey<TimeSpan> LimitKey = new("station.step-limit");

    /// <summary>Connect attempts: each try resets with the next strategy in the profile's order.</summary>
    public static ResiliencePipeline Connect(RetryPolicy policy, TimeProvider time, UnitRecorder recorder) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = policy.Timeouts.Connect })
            .AddRetryWhen(policy.ConnectAttempts - 1, new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, policy.ConnectAttempts - 1),
                Delay = TimeSpan.Zero,
                ShouldHandle = new PredicateBuilder().Handle<FlashException>(e => !e.Error.Permanent && e.Error.Code != ErrorCodes.PortGone),
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is FlashException e)
                    {
                        recorder.Retry("connect", args.AttemptNumber + 2, e.Error, null);
                    }

                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    /// <summary>
    /// Region attempts: a failed region is written again from its start after <paramref name="onRetry"/>
    /// has closed the session and stepped the baud ladder down. An MD5 mismatch is re-written once only
    /// (field failure F4: a second mismatch fails the unit with both digests in its record). A port that went
    /// away is not retried here: the attempt ends interrupted and the slot waits for the board to come back (F6).
    /// </summary>
    public static ResiliencePipeline Region(RetryPolicy policy, TimeProvider time, Func<FlashError, int, ValueTask> onRetry)
    {
        int mismatches = 0;
        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetryWhen(policy.RegionRetries, new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, policy.RegionRetries),
                Delay = TimeSpan.Zero,
                ShouldHandle = new PredicateBuilder().Handle<FlashException>(e =>
                    !e.Error.Permanent && e.Error.Code != ErrorCodes.PortGone && (e.Error.Code != ErrorCodes.VerifyMd5Mismatch || ++mismatches <= 1)),
                OnRetry = args => args.Outcome.Exception is FlashException e ? onRetry(e.Error, args.AttemptNumber + 2) : ValueTask.CompletedTask,
            })
            .Build();
    }

    /// <summary>Polly refuses a retry strategy with zero retries: add one only when there are retries to make.</summary>
    public static ResiliencePipelineBuilder AddRetryWhen(this ResiliencePipelineBuilder builder, int retries, RetryStrategyOptions options) =>
        retries > 0 ? builder.AddRetry(options) : builder;

    public static ResiliencePipelineBuilder<T> AddRetryWhen<T>(this ResiliencePipelineBuilder<T> builder, int retries, RetryStrategyOptions<T> options) =>
        retries > 0 ? builder.AddRetry(options) : builder;

    /// <summary>A timeout whose limit is given per call (steps scale with the bytes they move).</summary>
    public static ResiliencePipeline StepTimeout(TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(LimitKey, TimeSpan.FromMinutes(10))),
            })
            .Build();

    /// <summary>Runs <paramref name="step"/> under <paramref name="pipeline"/> with a limit; a timeout becomes a named error.</summary>
    public static async Task<T> WithinAsync<T>(this ResiliencePipeline pipeline, string name, TimeSpan limit, Func<CancellationToken, Task<T>> step, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(LimitKey, limit);
        try
        {
            return await pipeline.ExecuteAsync(async ctx => await step(ctx.CancellationToken).ConfigureAwait(false), context).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw new FlashException(Line.LineErrors.StepTimeout(name, limit), e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
