namespace Station.Profiles.Reading;

/// <summary>Reads <c>$.retry</c>; every absent value takes the model's default.</summary>
internal static class RetryReader
{
    public static RetryPolicy? Read(JsonField? field)
    {
        var defaults = new RetryPolicy();
        if (field is null)
        {
            return defaults;
        }

        var retry = field.Value.AsObject(ProfileProperties.Retry);
        if (retry is null)
        {
            return null;
        }

        var (breakerFailures, breakerPause) = ReadSlotBreaker(retry.Optional("slotBreaker"), defaults);
        return new RetryPolicy
        {
            ConnectAttempts = retry.Optional("connectAttempts")?.AsInt(min: 1) ?? defaults.ConnectAttempts,
            ResetStrategies = ReadResetStrategies(retry.Optional("resetStrategies")) ?? defaults.ResetStrategies,
            BlockRetries = retry.Optional("blockRetries")?.AsInt(min: 0) ?? defaults.BlockRetries,
            RegionRetries = retry.Optional("regionRetries")?.AsInt(min: 0) ?? defaults.RegionRetries,
            UnitAttempts = retry.Optional("unitAttempts")?.AsInt(min: 1) ?? defaults.UnitAttempts,
            ReplugWait = retry.Optional("replugWaitSeconds")?.AsSeconds() ?? defaults.ReplugWait,
            SlotBreakerFailures = breakerFailures,
            SlotBreakerPause = breakerPause,
            Timeouts = ReadTimeouts(retry.Optional("timeouts"), defaults.Timeouts),
        };
    }

    /// <summary>Names only need to be non-empty strings here: the line checks them with the transport's parser.</summary>
    private static IReadOnlyList<string>? ReadResetStrategies(JsonField? field)
    {
        var items = field?.AsArray();
        if (items is null)
        {
            return null;
        }

        if (items.Count == 0)
        {
            field!.Value.Problem("must list at least one reset strategy");
            return null;
        }

        var names = items.Select(item => item.AsString()).ToList();
        return names.All(n => n is not null) ? names.Select(n => n!).ToList() : null;
    }

    private static (int Failures, TimeSpan Pause) ReadSlotBreaker(JsonField? field, RetryPolicy defaults)
    {
        var breaker = field?.AsObject(ProfileProperties.SlotBreaker);
        return (
            breaker?.Optional("consecutiveFailures")?.AsInt(min: 1) ?? defaults.SlotBreakerFailures,
            breaker?.Optional("pauseSeconds")?.AsSeconds() ?? defaults.SlotBreakerPause);
    }

    private static StepTimeouts ReadTimeouts(JsonField? field, StepTimeouts defaults)
    {
        var timeouts = field?.AsObject(ProfileProperties.Timeouts);
        if (timeouts is null)
        {
            return defaults;
        }

        return new StepTimeouts
        {
            Connect = timeouts.Optional("connectSeconds")?.AsSeconds() ?? defaults.Connect,
            Identify = timeouts.Optional("identifySeconds")?.AsSeconds() ?? defaults.Identify,
            Stub = timeouts.Optional("stubSeconds")?.AsSeconds() ?? defaults.Stub,
            WriteBase = timeouts.Optional("writeBaseSeconds")?.AsSeconds() ?? defaults.WriteBase,
            WritePerMegabyte = timeouts.Optional("writeSecondsPerMegabyte")?.AsSeconds() ?? defaults.WritePerMegabyte,
            VerifyBase = timeouts.Optional("verifyBaseSeconds")?.AsSeconds() ?? defaults.VerifyBase,
            VerifyPerMegabyte = timeouts.Optional("verifySecondsPerMegabyte")?.AsSeconds() ?? defaults.VerifyPerMegabyte,
            Reset = timeouts.Optional("resetSeconds")?.AsSeconds() ?? defaults.Reset,
        };
    }
}
