using StreamJepa.Core.Configuration;
using StreamJepa.Training.Online;

namespace StreamJepa.Training.Configuration;

/// <summary>How the model learns: optimiser, the JEPA objective's weights and its anti-collapse mechanisms.</summary>
public sealed record TrainingOptions
{
    public double LearningRate { get; init; } = 1e-3;

    /// <summary><c>train</c>: steps over which the learning rate rises linearly from 0 to <see cref="LearningRate"/> (0 = none).</summary>
    public int WarmupSteps { get; init; }

    /// <summary>
    /// <c>train</c>: the learning rate a cosine decay reaches at the end of the run (after the warm-up it starts at
    /// <see cref="LearningRate"/>); null keeps the rate constant. Online learning in <c>run</c> uses this rate too, so
    /// that it goes on from trained weights at the rate they settled at. Unset by default (measured in
    /// docs/experiments/2026-12-01-seeds-and-lr-schedule.md).
    /// </summary>
    public double? FinalLearningRate { get; init; }

    public double WeightDecay { get; init; } = 0.01;

    /// <summary><c>train</c>: AdamW's β1, the decay of its running mean of gradients (0 = no momentum).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>
    /// AdamW's β1 while <c>run</c> learns online. Consecutive online steps see clips of the same few seconds of
    /// video, and momentum carries one moment's gradient into the next ten steps; on one continuous stream,
    /// momentum-free updates learnt more (Carreira et al. 2024, "Learning from One Continuous Video Stream"). On the
    /// dev set's looped clip 0 learnt no faster than 0.9, which stays the default
    /// (docs/experiments/2026-12-07-online-learning-curve.md).
    /// </summary>
    public double OnlineMomentum { get; init; } = 0.9;

    /// <summary>Frames per training sample batch.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Targets come from an EMA copy of the encoder under stop-gradient (V-JEPA); off = the online encoder itself.</summary>
    public bool Ema { get; init; } = true;

    /// <summary>EMA momentum m in k ← m·k + (1 − m)·q.</summary>
    public double EmaMomentum { get; init; } = 0.99;

    /// <summary>Weight of the VICReg variance hinge (0 switches it off).</summary>
    public double VarianceWeight { get; init; } = 1.0;

    /// <summary>Weight of the VICReg covariance penalty (0 switches it off).</summary>
    public double CovarianceWeight { get; init; } = 0.04;

    /// <summary>
    /// Levels above the first learn jointly with the levels below (their loss also trains the lower encoders);
    /// off, they train on the lower levels' target representations under stop-gradient.
    /// </summary>
    public bool JointLevels { get; init; }

    /// <summary>
    /// Mirror half the training clips left-right (the whole clip: its motion stays coherent and time keeps its
    /// direction). On by default, with <see cref="ShiftPixels"/>: trained on one half-minute of one camera without
    /// them, the model learns its frames by heart, and new frames of the same scene look 3× (level 1) to 24× (level 2)
    /// more surprising than the ones it trained on (docs/experiments/2026-12-01-memorisation-and-augmentation.md).
    /// </summary>
    public bool FlipClips { get; init; } = true;

    /// <summary>
    /// Move each training clip by up to this many pixels each way (the whole clip, borders repeated); 0 = off. With
    /// <see cref="FlipClips"/> it closes the gap between the energies of trained-on and new frames and lets level 1
    /// find a small intruding object. A model that generalises this way also predicts a frozen picture better than
    /// live video; <c>scoring.lowEnergyWeights</c> makes that collapse of energy count as surprise.
    /// </summary>
    public int ShiftPixels { get; init; } = 8;

    /// <summary>
    /// The lowest level whose training clips <see cref="FlipClips"/> and <see cref="ShiftPixels"/> change: 1 = every
    /// level, 2 = only the levels above the first (level 1 then learns from the clips as they are). Flips on level 2
    /// only halved level 2's memorisation and kept lights down after 1,500 steps, but not after 3,000 (docs/experiments/2026-12-01-memorisation-and-augmentation.md).
    /// </summary>
    public int AugmentFromLevel { get; init; } = 1;

    /// <summary>Learn online while `run` scores (`--no-learn` turns it off).</summary>
    public bool Online { get; init; } = true;

    /// <summary>Most recent consecutive frames the online replay keeps per stream.</summary>
    public int ReplayRecent { get; init; } = 240;

    /// <summary>Older segments kept per stream, chosen as <see cref="ReplayKeep"/> says.</summary>
    public int ReplaySegments { get; init; } = 4;

    /// <summary>
    /// Which older segments the replay keeps: <c>diverse</c> drops the one most like another (MinRed), so hours of
    /// the same empty scene do not crowd out the moments that differed; <c>uniform</c> keeps a uniform sample of
    /// everything seen.
    /// </summary>
    public ReplayKeep ReplayKeep { get; init; } = ReplayKeep.Diverse;

    /// <summary>Frames the tap may hold for the trainer before the oldest is dropped (inference never waits).</summary>
    public int TapCapacity { get; init; } = 256;

    /// <summary>
    /// How many streams the trainer takes frames from at a time; each in turn for <see cref="ReplayRecent"/> consecutive
    /// frames (<c>TapRotation</c>), so that with many streams each still gives the replay unbroken runs to learn from.
    /// </summary>
    public int TapStreams { get; init; } = 8;

    /// <summary>
    /// Share of wall time the online trainer may spend computing (it sleeps the rest) while inference keeps up. With
    /// <see cref="MaxCpuShare"/> above it, the trainer takes more when the model block is idle; while live frames are
    /// being dropped it pauses, so learning does not add to what inference loses. Once some source is live, the trainer
    /// runs at idle CPU priority (the kernel serves inference and the decoders first) and takes up to
    /// <see cref="MaxCpuShare"/> of the CPU time it is given.
    /// </summary>
    public double CpuShare { get; init; } = 0.35;

    /// <summary>
    /// Most of the wall time the trainer takes when the model block leaves time idle (it keeps a tenth of the idle
    /// time free); at or below <see cref="CpuShare"/>, the share stays fixed.
    /// </summary>
    public double MaxCpuShare { get; init; } = 0.8;

    /// <summary>Online steps between proposals of new weights to inference.</summary>
    public int StepsPerProposal { get; init; } = 50;

    /// <summary>
    /// Roll a promotion back when the promoted model opens at least this many episodes and clearly more often, per hour
    /// of video, than the model it replaced (<see cref="Online.RollbackWatch"/>): the replaced model serves again and
    /// learning goes on from it. 0 never rolls back.
    /// </summary>
    public int RollbackAfterEpisodes { get; init; } = 3;

    /// <summary>
    /// Where <c>run</c> writes what it learnt online when it stops, if it learnt anything (served model, version,
    /// trainer state; older files kept as NAME.1, NAME.2); null saves nothing.
    /// </summary>
    public string? SaveTo { get; init; } = "runs/learnt.ckpt";

    /// <summary>
    /// Where <c>run</c> keeps what it learns so that the next run goes on from it: the served model with its version,
    /// the trainer's state and every stream's energy baselines, written atomically (older model copies kept as NAME.1,
    /// NAME.2) every
    /// <see cref="StateEverySeconds"/> and when the run stops. A run with a state here resumes from the newest copy that
    /// loads instead of <c>inference.checkpoint</c>, saying which; null keeps no state.
    /// </summary>
    public string? StateDirectory { get; init; }

    /// <summary>Seconds between writes of the state while learning (also written when the run stops).</summary>
    public double StateEverySeconds { get; init; } = 300;

    /// <summary>
    /// <c>train</c>: the share of each source's last frames kept out of training and used to measure the energy
    /// statistics the checkpoint carries. Energies on frames a model was trained on are lower than on new video, so
    /// statistics measured in-sample make every new stream look surprising until its own take over. 0 measures on
    /// the training frames.
    /// </summary>
    public double CalibrationHoldout { get; init; } = 0.2;

    /// <summary>Do not learn from frames of a stream while an anomaly episode is open on it.</summary>
    public bool SkipAnomalies { get; init; } = true;

    public void Validate(string key, ConfigErrors errors)
    {
        errors.Range($"{key}.replayRecent", ReplayRecent, 8, 100_000);
        if (SaveTo is { } saveTo && string.IsNullOrWhiteSpace(saveTo))
        {
            errors.Add($"{key}.saveTo", saveTo, "must be a file path (or left out)");
        }

        if (StateDirectory is { } state && string.IsNullOrWhiteSpace(state))
        {
            errors.Add($"{key}.stateDirectory", state, "must be a folder path (or left out)");
        }

        errors.Range($"{key}.stateEverySeconds", StateEverySeconds, 1, 86_400);
        errors.Range($"{key}.replaySegments", ReplaySegments, 0, 10_000);
        errors.Range($"{key}.tapCapacity", TapCapacity, 1, 1_000_000);
        errors.Range($"{key}.tapStreams", TapStreams, 1, 100_000);
        errors.Range($"{key}.cpuShare", CpuShare, 0.01, 1);
        errors.Range($"{key}.maxCpuShare", MaxCpuShare, 0.01, 1);
        errors.Range($"{key}.calibrationHoldout", CalibrationHoldout, 0, 0.5);
        errors.Range($"{key}.stepsPerProposal", StepsPerProposal, 1, 1_000_000);
        errors.Range($"{key}.rollbackAfterEpisodes", RollbackAfterEpisodes, 0, 1_000_000);
        errors.Range($"{key}.shiftPixels", ShiftPixels, 0, 64);
        errors.Range($"{key}.augmentFromLevel", AugmentFromLevel, 1, 16);
        errors.Range($"{key}.learningRate", LearningRate, 1e-7, 1);
        errors.Range($"{key}.warmupSteps", WarmupSteps, 0, 10_000_000);
        if (FinalLearningRate is { } final && !(final >= 0 && final <= LearningRate))
        {
            errors.Add($"{key}.finalLearningRate", final, $"must be between 0 and learningRate ({LearningRate}), or left out for a constant rate");
        }
        errors.Range($"{key}.weightDecay", WeightDecay, 0, 1);
        errors.Range($"{key}.batchSize", BatchSize, 2, 4096);
        errors.Range($"{key}.emaMomentum", EmaMomentum, 0, 1);
        errors.Range($"{key}.momentum", Momentum, 0, 0.999);
        errors.Range($"{key}.onlineMomentum", OnlineMomentum, 0, 0.999);
        errors.Range($"{key}.varianceWeight", VarianceWeight, 0, 1000);
        errors.Range($"{key}.covarianceWeight", CovarianceWeight, 0, 1000);
    }
}
