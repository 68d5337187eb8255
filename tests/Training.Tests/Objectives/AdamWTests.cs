using StreamJepa.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamJepa.Training.Tests.Objectives;

public sealed class AdamWTests
{
    [Fact]
    public void Step_updates_exactly_as_TorchSharps_AdamW()
    {
        using var ours = Model(seed: 5);
        using var theirs = Model(seed: 5);
        using var mine = new Training.Objectives.AdamW(ours.parameters(), lr: 1e-2, beta1: 0.9, beta2: 0.99, weightDecay: 0.01);
        using var reference = optim.AdamW(theirs.parameters(), 1e-2, beta1: 0.9, beta2: 0.99, weight_decay: 0.01);

        for (var step = 0; step < 5; step++)
        {
            using var input = torch.ones(4, 6) * (step + 1);
            Train(ours, mine, input);
            Train(theirs, reference, input);
        }

        foreach (var ((name, a), (_, b)) in ours.named_parameters().Zip(theirs.named_parameters()))
        {
            Assert.True(a.allclose(b, rtol: 1e-5, atol: 1e-7), name);
        }
    }

    [Fact]
    public void Saved_state_loads_into_TorchSharps_AdamW_and_the_next_step_matches()
    {
        using var model = Model(seed: 2);
        using var optimizer = new Training.Objectives.AdamW(model.parameters(), lr: 1e-2, beta1: 0.9, beta2: 0.99, weightDecay: 0.01);
        using (var input = torch.ones(4, 6))
        {
            Train(model, optimizer, input);
        }

        using var saved = new MemoryStream();
        using (var writer = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            optimizer.save_state_dict(writer);
        }

        using var other = Model(seed: 2);
        using var reference = optim.AdamW(other.parameters(), 1e-2, beta1: 0.9, beta2: 0.99, weight_decay: 0.01);
        saved.Position = 0;
        using (var reader = new BinaryReader(saved))
        {
            reference.load_state_dict(reader);
        }

        using (no_grad())
        {
            foreach (var (a, b) in other.parameters().Zip(model.parameters()))
            {
                a.copy_(b);
            }
        }

        // With the moments carried over, the next step is the same in both.
        using (var input = torch.ones(4, 6) * 2)
        {
            Train(model, optimizer, input);
            Train(other, reference, input);
        }

        foreach (var (a, b) in model.parameters().Zip(other.parameters()))
        {
            Assert.True(a.allclose(b, rtol: 1e-5, atol: 1e-7));
        }
    }

    private static Sequential Model(int seed)
    {
        torch.manual_seed(seed);
        return nn.Sequential(nn.Linear(6, 5), nn.GELU(), nn.Linear(5, 2));
    }

    private static void Train(Sequential model, OptimizerHelper optimizer, Tensor input)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        model.forward(input).Squared().mean().backward();
        optimizer.step();
    }
}
