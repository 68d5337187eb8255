using StreamJepa.Core.Results;
using StreamJepa.Inference.Engine;

namespace StreamJepa.Inference.Pipeline;

/// <summary>What reaches the result stage: a scored batch (host records only), or a frame that was never scored.</summary>
internal abstract record StageItem;

/// <summary>A batch's outcomes, the version of the weights that scored it, and the version scored in shadow then, if any.</summary>
internal sealed record ScoredBatch(IReadOnlyList<FrameOutcome> Outcomes, long ModelVersion, long? ShadowVersion = null) : StageItem;

internal sealed record GapItem(FrameGap Gap) : StageItem;
