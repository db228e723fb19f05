"""Guided walkthroughs of the presets: a few steps, each about one panel of the window.

Texts are English source strings (simple HTML) marked for pyside6-lupdate; the
GUI shows them through `QCoreApplication.translate(CONTEXT, text)`.
`panel` is the key of the dock a step talks about; `action`, if any, is the
GUI controller method its "Try it" button calls: play, step_epoch or reset.
"""

from __future__ import annotations

from dataclasses import dataclass

from fcviz.core.presets import QT_TRANSLATE_NOOP

CONTEXT = "lessons"  # the literal in every QT_TRANSLATE_NOOP below


@dataclass(frozen=True)
class Step:
    panel: str
    title: str
    text: str
    action: str = ""


@dataclass(frozen=True)
class Lesson:
    preset: str
    steps: tuple[Step, ...]


LESSONS: dict[str, Lesson] = {lesson.preset: lesson for lesson in (
    Lesson("clothes", (
        Step("scatter", QT_TRANSLATE_NOOP("lessons", "Scatter input"),
             QT_TRANSLATE_NOOP("lessons", "Twelve clothes sizes on the x axis; a dot at 1 means the size fits, at 0 "
                               "that it does not. Only the middle sizes fit, so the network has to learn a "
                               "<b>bump</b>: low, then high, then low again. The line is the network's "
                               "prediction for every size.")),
        Step("network_diagram", QT_TRANSLATE_NOOP("lessons", "Forward calculation"),
             QT_TRANSLATE_NOOP("lessons", "A size x enters the network. Each hidden unit computes "
                               "z = w·x + b and passes it through the sigmoid a = 1/(1+e<sup>−z</sup>); the "
                               "output unit does the same with the two hidden values. Two hidden units are "
                               "just enough for a bump: one rising edge and one falling edge.")),
        Step("parameters", QT_TRANSLATE_NOOP("lessons", "Parameter initialization"),
             QT_TRANSLATE_NOOP("lessons", "The seven parameters start at the lab's values: w11_1 = 0.1, "
                               "b1_1 = 0.6, w12_1 = 0.9, b2_1 = −1.5, w11_2 = 0.1, w21_2 = 0.9, b1_2 = 0.2. "
                               "Type another value into the table to see how the starting curve moves.")),
        Step("architecture", QT_TRANSLATE_NOOP("lessons", "Loss function"),
             QT_TRANSLATE_NOOP("lessons", "How wrong is the network? The mean squared error averages "
                               "(y − ŷ)<sup>2</sup> over the twelve sizes. Training means making this one "
                               "number small; here you can pick another loss and optimizer.")),
        Step("training", QT_TRANSLATE_NOOP("lessons", "Iterate"),
             QT_TRANSLATE_NOOP("lessons", "One epoch = one forward pass over all twelve sizes, one loss, one "
                               "update of every parameter (learning rate 0.5). Press <b>Try it</b> to run the "
                               "5000 epochs and watch the loss fall."), "play"),
        Step("backprop", QT_TRANSLATE_NOOP("lessons", "Backpropagation"),
             QT_TRANSLATE_NOOP("lessons", "The chain rule gives the slope ∂L/∂w of the loss for every parameter, "
                               "from the output back to the first layer. Gradient descent moves each parameter "
                               "a little against its slope: w ← w − 0.5·∂L/∂w.")),
        Step("display_frequency", QT_TRANSLATE_NOOP("lessons", "Display frequency"),
             QT_TRANSLATE_NOOP("lessons", "Drawing every epoch would be slow and flickery, so the plots show "
                               "epoch 1 and then every 100 epochs. Choose 1 to watch each step, or 1000 to "
                               "train faster.")),
        Step("training", QT_TRANSLATE_NOOP("lessons", "Gradient-descent display"),
             QT_TRANSLATE_NOOP("lessons", "The loss curve drops fast at first, then creeps along a plateau, then "
                               "drops again when the bump forms. The table beside it shows every parameter as "
                               "gradient descent moves it. Press <b>Try it</b> to start again from the initial "
                               "values."), "reset"),
        Step("loss_surface", QT_TRANSLATE_NOOP("lessons", "The loss surface"),
             QT_TRANSLATE_NOOP("lessons", "The colours are the loss over two parameters, all the others held at "
                               "their current values; the white line is the path gradient descent took and the "
                               "orange arrow points downhill (−∂L/∂w). Choose <b>Curve</b> to see one parameter: "
                               "the tangent's slope is ∂L/∂w and the red arrow is the step −0.5·∂L/∂w. Click "
                               "the surface to move the two parameters there.")),
    )),
    Lesson("linear", (
        Step("scatter", QT_TRANSLATE_NOOP("lessons", "Noisy points on a line"),
             QT_TRANSLATE_NOOP("lessons", "80 points y = 3x + 1 plus noise. The network's line starts flat and "
                               "should end along the true line y = 3x + 1.")),
        Step("network_diagram", QT_TRANSLATE_NOOP("lessons", "One linear neuron"),
             QT_TRANSLATE_NOOP("lessons", "A single Dense(1) with no activation computes ŷ = w·x + b: exactly a "
                               "straight line, so w should reach about 3 and b about 1.")),
        Step("training", QT_TRANSLATE_NOOP("lessons", "Momentum in batches of 16"),
             QT_TRANSLATE_NOOP("lessons", "Each step uses 16 points, so an epoch is 5 steps; momentum (0.9) keeps "
                               "part of the previous step. Press <b>Try it</b> for one epoch at a time."),
             "step_epoch"),
    )),
    Lesson("perceptron", (
        Step("scatter", QT_TRANSLATE_NOOP("lessons", "Setosa or not"),
             QT_TRANSLATE_NOOP("lessons", "Petal length and width of 150 irises. Setosa flowers have small "
                               "petals and sit apart from the rest: a straight line can separate them.")),
        Step("network_diagram", QT_TRANSLATE_NOOP("lessons", "A step-function neuron"),
             QT_TRANSLATE_NOOP("lessons", "The neuron outputs 1 when w1·x1 + w2·x2 + b ≥ 0, else 0. The step has "
                               "no slope, so it learns with the perceptron rule: after a mistake, "
                               "w ← w + lr·(y − ŷ)·x.")),
        Step("training", QT_TRANSLATE_NOOP("lessons", "Zero errors"),
             QT_TRANSLATE_NOOP("lessons", "Because the classes are separable, the rule stops changing the "
                               "weights once every flower is on the right side; the loss reaches exactly 0."),
             "play"),
    )),
    Lesson("activations", (
        Step("activations", QT_TRANSLATE_NOOP("lessons", "Curves and slopes"),
             QT_TRANSLATE_NOOP("lessons", "Left: each activation f(x); right: its derivative f′(x), the factor "
                               "backpropagation multiplies by. Sigmoid and tanh flatten out for large |x| "
                               "(tiny slopes, slow learning); relu has slope 1 or 0; heaviside has no useful "
                               "slope at all.")),
        Step("activations", QT_TRANSLATE_NOOP("lessons", "Your own activation"),
             QT_TRANSLATE_NOOP("lessons", "Type an expression in x such as x*sigmoid(x) or x**2. fcviz derives "
                               "it symbolically and draws both curves; a mistake is explained under the "
                               "field.")),
        Step("training", QT_TRANSLATE_NOOP("lessons", "Try it on the clothes lab"),
             QT_TRANSLATE_NOOP("lessons", "The window trains the clothes sizes with four hidden units. Choose an "
                               "activation, press <b>Use in hidden layers</b>, then train and compare the loss "
                               "curves."), "play"),
    )),
    Lesson("keras-dense", (
        Step("network_diagram", QT_TRANSLATE_NOOP("lessons", "What Dense computes"),
             QT_TRANSLATE_NOOP("lessons", "Dense(5) on 10 inputs is relu(x·W + b) with a 10×5 kernel W. With all "
                               "weights 1 and no bias, every unit adds the inputs 1+1+3+1+2+1+1+1+1+2 = 14.")),
        Step("parameters", QT_TRANSLATE_NOOP("lessons", "Counting parameters"),
             QT_TRANSLATE_NOOP("lessons", "10×5 weights plus 5 biases = 55 parameters. For the network "
                               "20-64-32-5 the same count gives 1344 + 2080 + 165 = 3589.")),
        Step("architecture", QT_TRANSLATE_NOOP("lessons", "A custom activation"),
             QT_TRANSLATE_NOOP("lessons", "Choose custom… and type x**2. Keras applies the activation after the "
                               "sum: four inputs [1, 2, 3, 1] into two units with all-ones weights and bias 1 "
                               "give (1+2+3+1+1)² = 64 in each unit.")),
    )),
    Lesson("plane", (
        Step("scatter", QT_TRANSLATE_NOOP("lessons", "A plane through the data"),
             QT_TRANSLATE_NOOP("lessons", "1000 samples of y = 2·x1 + 3·x2 + 4 with a little noise. With two "
                               "inputs the plot shows the network's output over the (x1, x2) plane.")),
        Step("training", QT_TRANSLATE_NOOP("lessons", "Adam finds the plane"),
             QT_TRANSLATE_NOOP("lessons", "One linear neuron, Adam, 400 epochs: the kernel goes to 2 and 3 and "
                               "the bias to 4. Watch them in the parameter table."), "play"),
    )),
    Lesson("xor", (
        Step("scatter", QT_TRANSLATE_NOOP("lessons", "No straight line will do"),
             QT_TRANSLATE_NOOP("lessons", "The classes sit in opposite quadrants. One neuron can only draw a "
                               "straight boundary; the background shows what the network predicts.")),
        Step("network_diagram", QT_TRANSLATE_NOOP("lessons", "Hidden units bend the boundary"),
             QT_TRANSLATE_NOOP("lessons", "Four tanh units each draw a line; the output unit combines them into "
                               "a bent boundary."), "play"),
    )),
    Lesson("circles", (
        Step("scatter", QT_TRANSLATE_NOOP("lessons", "A closed boundary"),
             QT_TRANSLATE_NOOP("lessons", "A disc inside a ring: the boundary must go all the way round. Train "
                               "and watch the coloured background close into a loop."), "play"),
    )),
    Lesson("spiral", (
        Step("scatter", QT_TRANSLATE_NOOP("lessons", "Two spirals"),
             QT_TRANSLATE_NOOP("lessons", "The hardest playground: two interleaved spirals need two hidden "
                               "layers of 8 units and about 1000 epochs."), "play"),
        Step("architecture", QT_TRANSLATE_NOOP("lessons", "Change the architecture"),
             QT_TRANSLATE_NOOP("lessons", "Remove a hidden layer or use fewer units and train again: the "
                               "boundary can no longer follow the arms.")),
    )),
    Lesson("iris", (
        Step("architecture", QT_TRANSLATE_NOOP("lessons", "Three classes"),
             QT_TRANSLATE_NOOP("lessons", "Four measurements, three species. The output layer has one unit per "
                               "species with softmax, so the outputs are probabilities that sum to 1, and the "
                               "loss is the categorical cross-entropy.")),
        Step("training", QT_TRANSLATE_NOOP("lessons", "Accuracy"),
             QT_TRANSLATE_NOOP("lessons", "Train and watch the accuracy beside the loss curve: after 200 epochs "
                               "about 98% of the flowers are classified correctly."), "play"),
    )),
    Lesson("digits", (
        Step("network_diagram", QT_TRANSLATE_NOOP("lessons", "64 pixels in, 10 digits out"),
             QT_TRANSLATE_NOOP("lessons", "Each 8×8 image is 64 inputs between 0 and 1. 25 sigmoid hidden units "
                               "feed 10 sigmoid outputs, one per digit; the target is 1 for the right digit "
                               "and 0 for the others.")),
        Step("image_grid", QT_TRANSLATE_NOOP("lessons", "The digits it gets wrong"),
             QT_TRANSLATE_NOOP("lessons", "Every image is labelled with its true digit and the network's guess; "
                               "red frames mark the mistakes. Tick <b>Only mistakes</b> to see which digits "
                               "look alike to the network.")),
        Step("training", QT_TRANSLATE_NOOP("lessons", "The logistic cost"),
             QT_TRANSLATE_NOOP("lessons", "Each output is scored with the binary cross-entropy, the cost of "
                               "logistic regression. After 30 epochs more than 99% of the training digits "
                               "are recognised."), "play"),
    )),
)}

