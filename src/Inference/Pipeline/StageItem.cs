using StreamJepa.Core.Results;
using StreamJepa.Inference.Engine;

namespace StreamJepa.Inference.Pipeline;

/// <summary>What reaches the result stage: a scored batch (host records only), or a frame that was never scored.</summary>
internal abstract record StageItem;

internal sealed record ScoredBatch(IReadOnlyList<FrameOutcome> Outcomes, long ModelVersion) : StageItem;

internal sealed record GapItem(FrameGap Gap) : StageItem;
