<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ActivationChooser</name>
    <message>
        <source>custom…</source>
        <translation>自定义…</translation>
    </message>
    <message>
        <source>expression in x, e.g. x*sigmoid(x)</source>
        <translation>关于 x 的表达式，例如 x*sigmoid(x)</translation>
    </message>
    <message>
        <source>derivative: {formula}</source>
        <translation>导数：{formula}</translation>
    </message>
</context>
<context>
    <name>ActivationsPanel</name>
    <message>
        <source>custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>custom expression</source>
        <translation>自定义表达式</translation>
    </message>
    <message>
        <source>Use in hidden layers</source>
        <translation>用于隐藏层</translation>
    </message>
    <message>
        <source>Rebuild the network with this activation in every hidden layer</source>
        <translation>让每个隐藏层都使用这个激活函数，重新构建网络</translation>
    </message>
    <message>
        <source>expression in x, e.g. x*sigmoid(x)</source>
        <translation>关于 x 的表达式，例如 x*sigmoid(x)</translation>
    </message>
    <message>
        <source>Activation</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>Custom f(x) =</source>
        <translation>自定义 f(x) =</translation>
    </message>
    <message>
        <source>This network has no hidden layer to change.</source>
        <translation>这个网络没有可以更改的隐藏层。</translation>
    </message>
    <message>
        <source>f(x) = {f}    f′(x) = {df}</source>
        <translation>f(x) = {f}    f′(x) = {df}</translation>
    </message>
    <message>
        <source>Type a valid expression in x first.</source>
        <translation>请先输入一个有效的关于 x 的表达式。</translation>
    </message>
</context>
<context>
    <name>AdjustedNotice</name>
    <message>
        <source>Session values adjusted</source>
        <translation>会话数值已调整</translation>
    </message>
    <message>
        <source>epochs</source>
        <translation>训练轮数</translation>
    </message>
    <message>
        <source>redraw every</source>
        <translation>每隔多少轮重绘</translation>
    </message>
    <message>
        <source>batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>pace</source>
        <translation>播放速度</translation>
    </message>
    <message>
        <source>max redraw rate</source>
        <translation>最高重绘频率</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>Session values adjusted to what fcviz can hold: {changes}</source>
        <translation>会话中的数值已调整到 fcviz 能容纳的范围：{changes}</translation>
    </message>
    <message>
        <source>a {digits}-digit number</source>
        <translation>一个 {digits} 位的数</translation>
    </message>
    <message>
        <source>max</source>
        <translation>最快</translation>
    </message>
    <message>
        <source>{rate}/s</source>
        <translation>{rate}/秒</translation>
    </message>
</context>
<context>
    <name>ArchitecturePanel</name>
    <message>
        <source>full batch</source>
        <translation>全批量</translation>
    </message>
    <message>
        <source>Shuffle every epoch</source>
        <translation>每轮打乱顺序</translation>
    </message>
    <message>
        <source>float64 (exact)</source>
        <translation>float64（精确）</translation>
    </message>
    <message>
        <source>float32 (faster on large data)</source>
        <translation>float32（大数据上更快）</translation>
    </message>
    <message>
        <source>Number type of the weights and of every computation</source>
        <translation>权重以及所有计算所用的数值类型</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Rebuild the network and start training from epoch 0</source>
        <translation>重新构建网络，从第 0 轮开始训练</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>Hidden layers</source>
        <translation>隐藏层</translation>
    </message>
    <message>
        <source>Output activation</source>
        <translation>输出层激活函数</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失函数</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Initial weights</source>
        <translation>初始权重</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Numbers</source>
        <translation>数值类型</translation>
    </message>
    <message>
        <source>Test split</source>
        <translation>测试集比例</translation>
    </message>
    <message>
        <source>Cannot build this network</source>
        <translation>无法构建这个网络</translation>
    </message>
</context>
<context>
    <name>Autosave</name>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>Save the changes to this experiment?</source>
        <translation>保存对此实验的更改吗？</translation>
    </message>
    <message>
        <source>Edits and training since the last save are lost if you discard them.</source>
        <translation>如果放弃，自上次保存以来的编辑和训练都将丢失。</translation>
    </message>
    <message>
        <source>Restore unsaved work</source>
        <translation>恢复未保存的工作</translation>
    </message>
    <message>
        <source>fcviz was closed with unsaved changes (autosaved {time}). Restore them?</source>
        <translation>fcviz 关闭时有未保存的更改（自动保存于 {time}）。要恢复吗？</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Autosave is off: {folder} is not writable.</source>
        <translation>自动保存已关闭：{folder} 不可写。</translation>
    </message>
    <message>
        <source>Autosave failed: {error}</source>
        <translation>自动保存失败：{error}</translation>
    </message>
    <message>
        <source>Cannot restore the autosaved work: {error}</source>
        <translation>无法恢复自动保存的工作：{error}</translation>
    </message>
    <message>
        <source>Cannot restore the autosaved work</source>
        <translation>无法恢复自动保存的工作</translation>
    </message>
    <message>
        <source>{error}
The file is kept as {path}.</source>
        <translation>{error}
该文件已保留为 {path}。</translation>
    </message>
    <message>
        <source>Restored the autosaved work at epoch {epoch}.</source>
        <translation>已恢复自动保存的工作，位于第 {epoch} 轮。</translation>
    </message>
</context>
<context>
    <name>BackpropPanel</name>
    <message>
        <source>Diagram</source>
        <translation>图示</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>表格</translation>
    </message>
    <message>
        <source>Step one batch</source>
        <translation>训练一个批次</translation>
    </message>
    <message>
        <source>Train one batch, then walk through what it computed</source>
        <translation>训练一个批次，再逐步查看它算了什么</translation>
    </message>
    <message>
        <source>◀ Prev</source>
        <translation>◀ 上一步</translation>
    </message>
    <message>
        <source>The previous phase of the step</source>
        <translation>这一步的上一个阶段</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一步 ▶</translation>
    </message>
    <message>
        <source>The next phase of the step</source>
        <translation>这一步的下一个阶段</translation>
    </message>
    <message>
        <source>Animate</source>
        <translation>动画演示</translation>
    </message>
    <message>
        <source>Update (this step)</source>
        <translation>更新（本步）</translation>
    </message>
    <message>
        <source>Next update</source>
        <translation>下一次更新</translation>
    </message>
    <message>
        <source>Gradient of the {loss} loss over all {n} training samples at the current weights. Arrows point back from the loss; their colour and width show ∂L/∂w, the nodes their δ = ∂ℓ/∂z.</source>
        <translation>当前权重下，{loss} 损失在全部 {n} 个训练样本上的梯度。箭头从损失往回指；箭头的颜色和粗细表示 ∂L/∂w，节点表示各自的 δ = ∂ℓ/∂z。</translation>
    </message>
    <message>
        <source>The step the trainer just took: epoch {epoch}, batch {batch} of {batches} ({n} samples), loss {loss}. Every number is the one it used.</source>
        <translation>训练器刚刚完成的一步：第 {epoch} 轮，第 {batch} / {batches} 批（{n} 个样本），损失 {loss}。每个数字都是它实际使用的数值。</translation>
    </message>
    <message>
        <source>The update depends on the optimizer&apos;s running averages: Step one batch to see the one the trainer makes.</source>
        <translation>这次更新取决于优化器的滑动平均值：点击“训练一个批次”，查看训练器实际做出的更新。</translation>
    </message>
    <message>
        <source>Forward ▸ Backward ▸ Update: step a batch to walk through it.</source>
        <translation>前向 ▸ 反向 ▸ 更新：训练一个批次，逐步查看。</translation>
    </message>
    <message>
        <source>Forward</source>
        <translation>前向</translation>
    </message>
    <message>
        <source>Backward</source>
        <translation>反向</translation>
    </message>
    <message>
        <source>Update</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>layer {layer}</source>
        <translation>第 {layer} 层</translation>
    </message>
    <message>
        <source>all parameters</source>
        <translation>全部参数</translation>
    </message>
    <message>
        <source>Every parameter moves against its gradient ({optimizer}):</source>
        <translation>每个参数都沿自己梯度的反方向移动（{optimizer}）：</translation>
    </message>
    <message>
        <source>… {n} more in the table.</source>
        <translation>… 表格中还有 {n} 个。</translation>
    </message>
    <message>
        <source>Forward, layer {layer}: each node sums its weighted inputs, then applies its activation (sample {sample}).</source>
        <translation>前向，第 {layer} 层：每个节点先对加权输入求和，再应用激活函数（样本 {sample}）。</translation>
    </message>
    <message>
        <source>Batch loss L = {loss}</source>
        <translation>批次损失 L = {loss}</translation>
    </message>
    <message>
        <source>Backward, layer {layer}: δ = ∂ℓ/∂z of each node, from the layer above; ∂L/∂w = mean(δ · input).</source>
        <translation>反向，第 {layer} 层：每个节点的 δ = ∂ℓ/∂z 由上一层传来；∂L/∂w = mean(δ · 输入)。</translation>
    </message>
    <message>
        <source>… and {n} more nodes: hover them.</source>
        <translation>… 还有 {n} 个节点：把鼠标停在上面查看。</translation>
    </message>
</context>
<context>
    <name>ConfusionMatrixPlot</name>
    <message>
        <source>predicted</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>actual</source>
        <translation>实际</translation>
    </message>
</context>
<context>
    <name>Controller</name>
    <message>
        <source>Set {name} at epoch {epoch}</source>
        <translation>在第 {epoch} 轮将 {name} 设为新值</translation>
    </message>
    <message>
        <source>The learning rate must be a positive number.</source>
        <translation>学习率必须是正数。</translation>
    </message>
    <message>
        <source>Change architecture</source>
        <translation>更改网络结构</translation>
    </message>
    <message>
        <source>Initialize weights ({init}, seed {seed})</source>
        <translation>初始化权重（{init}，种子 {seed}）</translation>
    </message>
</context>
<context>
    <name>DataTableModel</name>
    <message>
        <source>class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>part</source>
        <translation>划分</translation>
    </message>
    <message>
        <source>prediction</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Edit row {row}</source>
        <translation>编辑第 {row} 行</translation>
    </message>
    <message>
        <source>Row {row}, column &quot;{column}&quot;</source>
        <translation>第 {row} 行，“{column}”列</translation>
    </message>
    <message>
        <source>{where}: &quot;{text}&quot; is not a number</source>
        <translation>{where}：“{text}”不是数字</translation>
    </message>
    <message>
        <source>{where}: &quot;{text}&quot; is not one of the classes {names}</source>
        <translation>{where}：“{text}”不是类别 {names} 之一</translation>
    </message>
</context>
<context>
    <name>DataTablePanel</name>
    <message>
        <source>Add row</source>
        <translation>添加行</translation>
    </message>
    <message>
        <source>Delete rows</source>
        <translation>删除行</translation>
    </message>
    <message>
        <source>Delete the rows of the selected cells (Delete key)</source>
        <translation>删除所选单元格所在的行（Delete 键）</translation>
    </message>
    <message>
        <source>Paste cells from a spreadsheet with Ctrl+V</source>
        <translation>用 Ctrl+V 粘贴电子表格中的单元格</translation>
    </message>
    <message>
        <source>Paste {count} row(s)</source>
        <translation>粘贴 {count} 行</translation>
    </message>
    <message>
        <source>Add row {row}</source>
        <translation>添加第 {row} 行</translation>
    </message>
    <message>
        <source>At least {count} rows must stay.</source>
        <translation>至少要保留 {count} 行。</translation>
    </message>
    <message>
        <source>Delete {count} row(s)</source>
        <translation>删除 {count} 行</translation>
    </message>
</context>
<context>
    <name>DatasetDialog</name>
    <message>
        <source>Open dataset — {name}</source>
        <translation>打开数据集 — {name}</translation>
    </message>
    <message>
        <source>First row names the columns</source>
        <translation>第一行是列名</translation>
    </message>
    <message>
        <source>Regression</source>
        <translation>回归</translation>
    </message>
    <message>
        <source>Binary classification (0/1)</source>
        <translation>二分类（0/1）</translation>
    </message>
    <message>
        <source>Multi-class classification</source>
        <translation>多分类</translation>
    </message>
    <message>
        <source>mean squared error (mse)</source>
        <translation>均方误差（mse）</translation>
    </message>
    <message>
        <source>binary cross-entropy (bce)</source>
        <translation>二元交叉熵（bce）</translation>
    </message>
    <message>
        <source>categorical cross-entropy (cce)</source>
        <translation>分类交叉熵（cce）</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全选</translation>
    </message>
    <message>
        <source>None</source>
        <translation>全不选</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <source>Target sheet</source>
        <translation>目标工作表</translation>
    </message>
    <message>
        <source>Header</source>
        <translation>表头</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题类型</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失函数</translation>
    </message>
    <message>
        <source>Output activation</source>
        <translation>输出层激活函数</translation>
    </message>
    <message>
        <source>Features (inputs)</source>
        <translation>特征（输入）</translation>
    </message>
    <message>
        <source>(same sheet)</source>
        <translation>（同一工作表）</translation>
    </message>
    <message>
        <source>Reading the table…</source>
        <translation>正在读取表格…</translation>
    </message>
    <message>
        <source>(the whole sheet)</source>
        <translation>（整个工作表）</translation>
    </message>
    <message>
        <source>Choose at least one feature column.</source>
        <translation>请至少选择一个特征列。</translation>
    </message>
    <message>
        <source>Loading the chosen columns…</source>
        <translation>正在载入所选的列…</translation>
    </message>
    <message>
        <source>The target holds text ({names}): it can only be classified.</source>
        <translation>目标列包含文本（{names}）：只能做分类。</translation>
    </message>
    <message>
        <source>Binary classification needs a single target column of 0 and 1; choose multi-class for other labels.</source>
        <translation>二分类需要单独一列取值为 0 和 1 的目标；其他标签请选择多分类。</translation>
    </message>
    <message>
        <source>{n} classes</source>
        <translation>{n} 个类别</translation>
    </message>
    <message>
        <source>{n} target column(s)</source>
        <translation>{n} 个目标列</translation>
    </message>
    <message>
        <source>{rows} rows, {inputs} inputs, {kind}.</source>
        <translation>{rows} 行，{inputs} 个输入，{kind}。</translation>
    </message>
</context>
<context>
    <name>DiagramEditing</name>
    <message>
        <source>Edit {name}…</source>
        <translation>编辑 {name}…</translation>
    </message>
    <message>
        <source>Unfreeze {neuron}</source>
        <translation>解冻 {neuron}</translation>
    </message>
    <message>
        <source>Freeze {neuron} (no updates)</source>
        <translation>冻结 {neuron}（不再更新）</translation>
    </message>
    <message>
        <source>Reset {neuron} to its initial weights</source>
        <translation>把 {neuron} 重置为初始权重</translation>
    </message>
    <message>
        <source>Freeze {neuron}</source>
        <translation>冻结 {neuron}</translation>
    </message>
    <message>
        <source>Reset {neuron}</source>
        <translation>重置 {neuron}</translation>
    </message>
</context>
<context>
    <name>DiagramPanel</name>
    <message>
        <source>sample </source>
        <translation>样本 </translation>
    </message>
    <message>
        <source>mean of all samples</source>
        <translation>全部样本的平均</translation>
    </message>
    <message>
        <source>Which training sample the node values and formulas are for</source>
        <translation>节点数值和公式对应的训练样本</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Hover a node or an arrow to see its formula with today&apos;s numbers.</source>
        <translation>把鼠标停在节点或箭头上，查看代入当前数值的公式。</translation>
    </message>
    <message>
        <source>Click to show every unit of this layer, or only the strongest again.</source>
        <translation>单击显示这一层的所有单元，再次单击只显示最强的几个。</translation>
    </message>
    <message>
        <source>Click to type a value, scroll or drag up/down to nudge it (Shift: finer), right-click to freeze or reset the neuron. Ctrl+Z undoes.</source>
        <translation>单击输入数值，滚动滚轮或上下拖动进行微调（按住 Shift 更精细），右键冻结或重置该神经元。Ctrl+Z 撤销。</translation>
    </message>
    <message>
        <source>This neuron is frozen: training leaves its weights alone.</source>
        <translation>这个神经元已冻结：训练不会改变它的权重。</translation>
    </message>
</context>
<context>
    <name>DisplayFrequencyPanel</name>
    <message>
        <source>every </source>
        <translation>每 </translation>
    </message>
    <message>
        <source> epochs</source>
        <translation> 轮</translation>
    </message>
    <message>
        <source> Hz</source>
        <translation> Hz</translation>
    </message>
    <message>
        <source>The most redraws a second while training; fewer leave more time for training</source>
        <translation>训练时每秒最多重绘的次数；次数越少，留给训练的时间越多</translation>
    </message>
    <message>
        <source>The plots show epoch 1 and then every N epochs.</source>
        <translation>图表显示第 1 轮，之后每 N 轮显示一次。</translation>
    </message>
    <message>
        <source>Presets</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Redraw</source>
        <translation>重绘</translation>
    </message>
    <message>
        <source>At most</source>
        <translation>最多</translation>
    </message>
    <message>
        <source> epoch</source>
        <translation> 轮</translation>
    </message>
</context>
<context>
    <name>EngineStatus</name>
    <message>
        <source>Engine: NumPy — compiled engine preparing…</source>
        <translation>引擎：NumPy — 编译引擎准备中…</translation>
    </message>
    <message>
        <source>The compiled training engine is being compiled (once after installing). Training runs in NumPy meanwhile; the compiled engine takes over when it is ready.</source>
        <translation>正在编译训练用的编译引擎（安装后仅此一次）。其间由 NumPy 训练；编译引擎就绪后接替。</translation>
    </message>
    <message>
        <source>Engine: preparing…</source>
        <translation>引擎：准备中…</translation>
    </message>
    <message>
        <source>The compiled training engine is loading; training starts when it is ready.</source>
        <translation>编译的训练引擎正在加载；准备好后开始训练。</translation>
    </message>
    <message>
        <source>Engine: compiled</source>
        <translation>引擎：编译</translation>
    </message>
    <message>
        <source>Engine: NumPy</source>
        <translation>引擎：NumPy</translation>
    </message>
    <message>
        <source>Training runs in compiled loops that leave the window free to draw.</source>
        <translation>训练在编译的循环中运行，窗口可以自由绘制。</translation>
    </message>
    <message>
        <source>Training runs in NumPy (custom activations, large layers, or no numba).</source>
        <translation>训练在 NumPy 中运行（自定义激活函数、大的层，或没有 numba）。</translation>
    </message>
</context>
<context>
    <name>FileActions</name>
    <message>
        <source>Open dataset…</source>
        <translation>打开数据集…</translation>
    </message>
    <message>
        <source>Open session…</source>
        <translation>打开会话…</translation>
    </message>
    <message>
        <source>Save session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <source>Save session as…</source>
        <translation>会话另存为…</translation>
    </message>
    <message>
        <source>Weights (JSON)…</source>
        <translation>权重（JSON）…</translation>
    </message>
    <message>
        <source>NumPy code…</source>
        <translation>NumPy 代码…</translation>
    </message>
    <message>
        <source>PyTorch code…</source>
        <translation>PyTorch 代码…</translation>
    </message>
    <message>
        <source>Keras code…</source>
        <translation>Keras 代码…</translation>
    </message>
    <message>
        <source>Window screenshot (PNG)…</source>
        <translation>窗口截图（PNG）…</translation>
    </message>
    <message>
        <source>Recent files</source>
        <translation>最近的文件</translation>
    </message>
    <message>
        <source>New from preset</source>
        <translation>从预设新建</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Cannot open the preset</source>
        <translation>无法打开预设</translation>
    </message>
    <message>
        <source>Opened the {title} lab.</source>
        <translation>已打开实验：{title}。</translation>
    </message>
    <message>
        <source>Opening {path}…</source>
        <translation>正在打开 {path}…</translation>
    </message>
    <message>
        <source>Cannot open the session</source>
        <translation>无法打开会话</translation>
    </message>
    <message>
        <source>Opened {path} at epoch {epoch}.</source>
        <translation>已打开 {path}，当前第 {epoch} 轮。</translation>
    </message>
    <message>
        <source>Cannot build a network for this dataset</source>
        <translation>无法为这个数据集构建网络</translation>
    </message>
    <message>
        <source>Loaded {path}: {rows} rows, {inputs} inputs, {outputs} outputs.</source>
        <translation>已载入 {path}：{rows} 行，{inputs} 个输入，{outputs} 个输出。</translation>
    </message>
    <message>
        <source>Cannot save the session</source>
        <translation>无法保存会话</translation>
    </message>
    <message>
        <source>Saved {path}.</source>
        <translation>已保存 {path}。</translation>
    </message>
    <message>
        <source>fcviz sessions (*.fcviz)</source>
        <translation>fcviz 会话 (*.fcviz)</translation>
    </message>
    <message>
        <source>Exporting to {path}…</source>
        <translation>正在导出到 {path}…</translation>
    </message>
    <message>
        <source>Cannot export the network</source>
        <translation>无法导出网络</translation>
    </message>
    <message>
        <source>Saved the network to {path}.</source>
        <translation>网络已保存到 {path}。</translation>
    </message>
    <message>
        <source>Cannot export the plot</source>
        <translation>无法导出图表</translation>
    </message>
    <message>
        <source>Cannot save the screenshot</source>
        <translation>无法保存截图</translation>
    </message>
    <message>
        <source>Could not write {path}.</source>
        <translation>无法写入 {path}。</translation>
    </message>
    <message>
        <source>Open dataset</source>
        <translation>打开数据集</translation>
    </message>
    <message>
        <source>Tables (*.csv *.tsv *.txt *.xlsx *.xlsm *.xls *.ods);;All files (*)</source>
        <translation>表格 (*.csv *.tsv *.txt *.xlsx *.xlsm *.xls *.ods);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open session</source>
        <translation>打开会话</translation>
    </message>
    <message>
        <source>fcviz sessions (*.fcviz);;All files (*)</source>
        <translation>fcviz 会话 (*.fcviz);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Weights JSON (*.json)</source>
        <translation>权重 JSON (*.json)</translation>
    </message>
    <message>
        <source>Python scripts (*.py)</source>
        <translation>Python 脚本 (*.py)</translation>
    </message>
    <message>
        <source>Export the network</source>
        <translation>导出网络</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Save window screenshot</source>
        <translation>保存窗口截图</translation>
    </message>
</context>
<context>
    <name>GradientTableModel</name>
    <message>
        <source>Parameter</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>∂L/∂w</source>
        <translation>∂L/∂w</translation>
    </message>
    <message>
        <source> (frozen)</source>
        <translation>（已冻结）</translation>
    </message>
</context>
<context>
    <name>HiddenLayerRow</name>
    <message>
        <source>Layer {number}</source>
        <translation>第 {number} 层</translation>
    </message>
</context>
<context>
    <name>ImageGridPanel</name>
    <message>
        <source>Pixels per image row (detected from the number of inputs)</source>
        <translation>每行图像的像素数（根据输入个数推断）</translation>
    </message>
    <message>
        <source>Only mistakes</source>
        <translation>只看错误</translation>
    </message>
    <message>
        <source>Hover a neuron&apos;s weights to see them large</source>
        <translation>把鼠标停在某个神经元的权重上可放大查看</translation>
    </message>
    <message>
        <source>Image width</source>
        <translation>图像宽度</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>页</translation>
    </message>
    <message>
        <source>First-layer weights of each neuron</source>
        <translation>每个神经元的第一层权重</translation>
    </message>
    <message>
        <source>Each image is labelled with its class; a mistake, framed in red, reads true class→predicted class</source>
        <translation>每张图像都标有它的类别；分错的图像用红框标出，标注为 真实类别→预测类别</translation>
    </message>
    <message>
        <source>The image grid shows classified pixel data (at least {n} inputs), such as the digits.</source>
        <translation>图像网格用于显示分类的像素数据（至少 {n} 个输入），例如手写数字。</translation>
    </message>
    <message>
        <source>{n} inputs do not make rows of {width} pixels.</source>
        <translation>{n} 个输入无法排成每行 {width} 个像素。</translation>
    </message>
    <message>
        <source>{wrong} of {total} wrong</source>
        <translation>{total} 个中错了 {wrong} 个</translation>
    </message>
    <message>
        <source>hidden layer 1</source>
        <translation>隐藏层 1</translation>
    </message>
    <message>
        <source>the output layer</source>
        <translation>输出层</translation>
    </message>
    <message>
        <source>Neuron {unit} of {layer}: incoming weights (blue negative, orange positive)</source>
        <translation>{layer}的第 {unit} 个神经元：输入权重（蓝色为负，橙色为正）</translation>
    </message>
</context>
<context>
    <name>LessonsPanel</name>
    <message>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Try it: train</source>
        <translation>试一试：训练</translation>
    </message>
    <message>
        <source>Try it: one epoch</source>
        <translation>试一试：训练一轮</translation>
    </message>
    <message>
        <source>Try it: start again</source>
        <translation>试一试：重新开始</translation>
    </message>
    <message>
        <source>&lt;b&gt;No lesson for this experiment&lt;/b&gt;</source>
        <translation>&lt;b&gt;这个实验没有课程&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Open a preset from the Lessons menu to follow its walkthrough.</source>
        <translation>从“课程”菜单打开一个预设实验，即可按步骤学习。</translation>
    </message>
    <message>
        <source>&lt;b&gt;{lesson}&lt;/b&gt; — step {number} of {count}</source>
        <translation>&lt;b&gt;{lesson}&lt;/b&gt; — 第 {number} 步，共 {count} 步</translation>
    </message>
</context>
<context>
    <name>LossSurfacePanel</name>
    <message>
        <source>Surface: two parameters</source>
        <translation>曲面：两个参数</translation>
    </message>
    <message>
        <source>Curve: one parameter</source>
        <translation>曲线：一个参数</translation>
    </message>
    <message>
        <source>The parameter along the horizontal axis</source>
        <translation>横轴上的参数</translation>
    </message>
    <message>
        <source>The parameter along the vertical axis</source>
        <translation>纵轴上的参数</translation>
    </message>
    <message>
        <source>Grid points along each axis</source>
        <translation>每个轴上的网格点数</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>How far each axis reaches from the current value (auto: far enough for the whole path)</source>
        <translation>每个轴从当前值向两侧延伸的范围（自动：足以容纳整条路径）</translation>
    </message>
    <message>
        <source>y</source>
        <translation>y 轴</translation>
    </message>
    <message>
        <source>x</source>
        <translation>x 轴</translation>
    </message>
    <message>
        <source>grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop computing this grid (a smaller grid is faster)</source>
        <translation>停止计算这个网格（网格越小算得越快）</translation>
    </message>
    <message>
        <source>range</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Loss on a fixed sample of {used:,} of the {total:,} training rows.</source>
        <translation>损失基于 {total:,} 行训练数据中固定抽取的 {used:,} 行。</translation>
    </message>
    <message>
        <source>Loss on all {used:,} training rows (one forward pass, full batch).</source>
        <translation>损失基于全部 {used:,} 行训练数据（一次前向传播，全批量）。</translation>
    </message>
    <message>
        <source>The axes offer the first {listed:,} of the {total:,} parameters.</source>
        <translation>坐标轴可选 {total:,} 个参数中的前 {listed:,} 个。</translation>
    </message>
    <message>
        <source>L = {loss:.6g}    −∂L/∂{x} = {gx:.4g}    −∂L/∂{y} = {gy:.4g}</source>
        <translation>L = {loss:.6g}    −∂L/∂{x} = {gx:.4g}    −∂L/∂{y} = {gy:.4g}</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>L = {loss:.6g}    slope ∂L/∂{w} = {slope:.4g}    step −lr·∂L/∂{w} = {step:.4g} (lr = {lr:g})</source>
        <translation>L = {loss:.6g}    斜率 ∂L/∂{w} = {slope:.4g}    步长 −lr·∂L/∂{w} = {step:.4g}（lr = {lr:g}）</translation>
    </message>
    <message>
        <source>Set {names} on the loss surface</source>
        <translation>在损失曲面上设置 {names}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Scatter input</source>
        <translation>散点输入</translation>
    </message>
    <message>
        <source>Parameter initialization</source>
        <translation>参数初始化</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>网络结构</translation>
    </message>
    <message>
        <source>Network diagram</source>
        <translation>网络图（前向计算）</translation>
    </message>
    <message>
        <source>Backprop</source>
        <translation>反向传播</translation>
    </message>
    <message>
        <source>Display frequency</source>
        <translation>显示频率设置</translation>
    </message>
    <message>
        <source>Activation functions</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>Training</source>
        <comment>dock title</comment>
        <translation>梯度下降显示</translation>
    </message>
    <message>
        <source>Image grid</source>
        <translation>图像网格</translation>
    </message>
    <message>
        <source>Data table</source>
        <translation>数据表</translation>
    </message>
    <message>
        <source>Lessons</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>Loss surface</source>
        <translation>损失曲面</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Reset layout</source>
        <translation>重置布局</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>About fcviz</source>
        <translation>关于 fcviz</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Training</source>
        <translation>训练(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Lessons</source>
        <translation>课程(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Training finished at epoch {epoch}, loss {loss}.</source>
        <translation>训练在第 {epoch} 轮结束，损失 {loss}。</translation>
    </message>
    <message>
        <source>Training…</source>
        <translation>训练中…</translation>
    </message>
    <message>
        <source>Training diverged</source>
        <translation>训练发散了</translation>
    </message>
    <message>
        <source>fcviz</source>
        <translation>fcviz</translation>
    </message>
    <message>
        <source>&lt;h3&gt;fcviz {version}&lt;/h3&gt;&lt;p&gt;A lab for watching fully-connected neural networks learn: edit the weights, the architecture and the data, and see every step of gradient descent.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;fcviz {version}&lt;/h3&gt;&lt;p&gt;观察全连接神经网络如何学习的实验室：编辑权重、网络结构和数据，看清梯度下降的每一步。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>NetworkDiagram</name>
    <message>
        <source>▴ only the {k} strongest</source>
        <translation>▴ 只显示最强的 {k} 条</translation>
    </message>
    <message>
        <source>… {n} more</source>
        <translation>… 还有 {n} 个</translation>
    </message>
</context>
<context>
    <name>NetworkDiagramPanel</name>
    <message>
        <source>{sizes} network, {count} parameters. Arrows: weights (width ∝ |w|, &lt;span style=&apos;color:#0072b2&apos;&gt;blue +&lt;/span&gt;, &lt;span style=&apos;color:#e69f00&apos;&gt;orange −&lt;/span&gt;); squares: biases; node fill: activation.</source>
        <translation>{sizes} 网络，{count} 个参数。箭头：权重（粗细 ∝ |w|，&lt;span style=&apos;color:#0072b2&apos;&gt;蓝色 +&lt;/span&gt;，&lt;span style=&apos;color:#e69f00&apos;&gt;橙色 −&lt;/span&gt;）；方块：偏置；节点填充：激活值。</translation>
    </message>
</context>
<context>
    <name>NeuronMaps</name>
    <message>
        <source>Layer {layer} ({activation})</source>
        <translation>第 {layer} 层（{activation}）</translation>
    </message>
</context>
<context>
    <name>NewData</name>
    <message>
        <source>Circle</source>
        <translation>圆形</translation>
    </message>
    <message>
        <source>XOR</source>
        <translation>异或（XOR）</translation>
    </message>
    <message>
        <source>Two Gaussians</source>
        <translation>两个高斯团</translation>
    </message>
    <message>
        <source>Spiral</source>
        <translation>螺旋</translation>
    </message>
    <message>
        <source>Line (regression)</source>
        <translation>直线（回归）</translation>
    </message>
    <message>
        <source>Plane (regression)</source>
        <translation>平面（回归）</translation>
    </message>
    <message>
        <source>Sine (regression)</source>
        <translation>正弦（回归）</translation>
    </message>
    <message>
        <source>Clothes size</source>
        <translation>衣服尺码</translation>
    </message>
    <message>
        <source>New data</source>
        <translation>新数据</translation>
    </message>
    <message>
        <source>New data: {title}</source>
        <translation>新数据：{title}</translation>
    </message>
</context>
<context>
    <name>NewDataDialog</name>
    <message>
        <source>New data — {title}</source>
        <translation>新数据 — {title}</translation>
    </message>
    <message>
        <source>Standard deviation of the noise, in the units of the data (clothes size: the share of flipped labels)</source>
        <translation>噪声的标准差，单位与数据相同（衣服尺码：标签被翻转的比例）</translation>
    </message>
    <message>
        <source>The network keeps training if it fits the new data; otherwise a network with the same hidden layers is built for it. Undo brings the old data back.</source>
        <translation>如果网络适合新数据，就继续训练；否则为它构建一个隐藏层相同的新网络。撤销可以恢复旧数据。</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>Noise</source>
        <translation>噪声</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
</context>
<context>
    <name>PaceBox</name>
    <message>
        <source>{pace:g}/s</source>
        <translation>{pace:g}/秒</translation>
    </message>
    <message>
        <source>max</source>
        <translation>最快</translation>
    </message>
    <message>
        <source>Pace: display epochs drawn a second while training (max: as fast as it trains)</source>
        <translation>速度：训练时每秒绘制的显示轮次（最快：训练多快就多快）</translation>
    </message>
</context>
<context>
    <name>ParameterTableModel</name>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Parameter</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Change since start</source>
        <translation>相对初始值的变化</translation>
    </message>
    <message>
        <source>∂L/∂w</source>
        <translation>∂L/∂w</translation>
    </message>
    <message>
        <source>{number} (output)</source>
        <translation>{number}（输出层）</translation>
    </message>
    <message>
        <source>{number} (hidden)</source>
        <translation>{number}（隐藏层）</translation>
    </message>
</context>
<context>
    <name>ParametersPanel</name>
    <message>
        <source>How far each step moves the weights against the gradient</source>
        <translation>每一步沿梯度反方向移动权重的幅度</translation>
    </message>
    <message>
        <source>seed </source>
        <translation>种子 </translation>
    </message>
    <message>
        <source>Initialize</source>
        <translation>初始化</translation>
    </message>
    <message>
        <source>Draw new starting weights with this scheme and seed; training starts again from epoch 0 (undoable)</source>
        <translation>用这个方案和种子重新生成初始权重；训练从第 0 轮重新开始（可撤销）</translation>
    </message>
    <message>
        <source>Filter by name, e.g. w1 or _2</source>
        <translation>按名称筛选，例如 w1 或 _2</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Weights from</source>
        <translation>权重来源</translation>
    </message>
    <message>
        <source>All layers</source>
        <translation>所有层</translation>
    </message>
    <message>
        <source>Layer {text}</source>
        <translation>第 {text} 层</translation>
    </message>
    <message>
        <source>{unlisted:,} more parameters are not listed (the table lists at most {limit:,}); choose a layer, or type a whole name such as w12_1 to find any one.</source>
        <translation>另有 {unlisted:,} 个参数未列出（表格最多列出 {limit:,} 个）；请选择一层，或输入完整名称（如 w12_1）查找任意参数。</translation>
    </message>
    <message>
        <source>Cannot initialize the weights</source>
        <translation>无法初始化权重</translation>
    </message>
</context>
<context>
    <name>ReplayActions</name>
    <message>
        <source>Replay (GIF/MP4)…</source>
        <translation>回放（GIF/MP4）…</translation>
    </message>
    <message>
        <source>Whole window</source>
        <translation>整个窗口</translation>
    </message>
    <message>
        <source>Export replay</source>
        <translation>导出回放</translation>
    </message>
    <message>
        <source>Draw</source>
        <translation>绘制</translation>
    </message>
    <message>
        <source>Animated GIF (*.gif)</source>
        <translation>GIF 动画 (*.gif)</translation>
    </message>
    <message>
        <source>MP4 video (*.mp4)</source>
        <translation>MP4 视频 (*.mp4)</translation>
    </message>
    <message>
        <source>Wrote {path}</source>
        <translation>已写入 {path}</translation>
    </message>
</context>
<context>
    <name>ReplayExportRunner</name>
    <message>
        <source>Drawing the replay…</source>
        <translation>正在绘制回放…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Export replay</source>
        <translation>导出回放</translation>
    </message>
</context>
<context>
    <name>ScatterPanel</name>
    <message>
        <source>New points:</source>
        <translation>新增的点：</translation>
    </message>
    <message>
        <source>Class of the points you add (keys 1–9 choose it too)</source>
        <translation>新增点的类别（也可以按数字键 1–9 选择）</translation>
    </message>
    <message>
        <source>Target value of the points you add</source>
        <translation>新增点的目标值</translation>
    </message>
    <message>
        <source>Share of the points held out for testing (drawn hollow)</source>
        <translation>留作测试的点所占比例（画成空心）</translation>
    </message>
    <message>
        <source>Discretize</source>
        <translation>离散显示</translation>
    </message>
    <message>
        <source>Show the decided class (or value bands) instead of a smooth map</source>
        <translation>显示判定的类别（或数值分段），而不是平滑的热图</translation>
    </message>
    <message>
        <source>Hidden neurons</source>
        <translation>隐藏神经元</translation>
    </message>
    <message>
        <source>Draw every hidden neuron&apos;s activation as a dashed curve</source>
        <translation>把每个隐藏神经元的激活值画成虚线</translation>
    </message>
    <message>
        <source>Inputs shown:</source>
        <translation>显示的输入：</translation>
    </message>
    <message>
        <source>Which two inputs the plot shows; red crosses mark wrong predictions</source>
        <translation>图中显示哪两个输入；红叉表示预测错误</translation>
    </message>
    <message>
        <source>Extra inputs:</source>
        <translation>额外输入：</translation>
    </message>
    <message>
        <source>x²</source>
        <translation>x²</translation>
    </message>
    <message>
        <source>x1·x2</source>
        <translation>x1·x2</translation>
    </message>
    <message>
        <source>sin(x)</source>
        <translation>sin(x)</translation>
    </message>
    <message>
        <source>Feed the network this function of the inputs as extra input columns</source>
        <translation>把输入的这个函数作为额外的输入列送入网络</translation>
    </message>
    <message>
        <source>ⓘ</source>
        <translation>ⓘ</translation>
    </message>
    <message>
        <source>Click: add a point · drag a point: move it · Shift+drag: select several, then drag or delete them · right-click or Delete: remove · drag elsewhere: pan · wheel: zoom · Ctrl+Z: undo</source>
        <translation>单击：添加点 · 拖动点：移动 · Shift+拖动：框选多个点，再拖动或删除 · 右键或 Delete：删除 · 拖动空白处：平移 · 滚轮：缩放 · Ctrl+Z：撤销</translation>
    </message>
    <message>
        <source>Test data:</source>
        <translation>测试数据：</translation>
    </message>
    <message>
        <source>Each map shows one hidden neuron&apos;s activation; click one to show it large</source>
        <translation>每张小图显示一个隐藏神经元的激活值；单击可放大显示</translation>
    </message>
    <message>
        <source>Scatter plot (PNG)…</source>
        <translation>散点图（PNG）…</translation>
    </message>
    <message>
        <source>Export scatter plot</source>
        <translation>导出散点图</translation>
    </message>
    <message>
        <source>{count} samples hold values beyond ±1e150 and are left out of the plot&apos;s range</source>
        <translation>{count} 个样本含有超出 ±1e150 的值，未计入图的范围</translation>
    </message>
    <message>
        <source>probability</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>actual</source>
        <translation>实际</translation>
    </message>
    <message>
        <source>predicted</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>Move {count} point(s)</source>
        <translation>移动 {count} 个点</translation>
    </message>
    <message>
        <source>Add a point at ({x:.3g}, {y:.3g})</source>
        <translation>在 ({x:.3g}, {y:.3g}) 添加一个点</translation>
    </message>
    <message>
        <source>At least {count} points must stay.</source>
        <translation>至少要保留 {count} 个点。</translation>
    </message>
    <message>
        <source>Delete {count} point(s)</source>
        <translation>删除 {count} 个点</translation>
    </message>
    <message>
        <source>{percent} %</source>
        <translation>{percent} %</translation>
    </message>
    <message>
        <source>Hold out {percent} % for testing</source>
        <translation>留出 {percent} % 用于测试</translation>
    </message>
    <message>
        <source>Change the extra inputs</source>
        <translation>更改额外输入</translation>
    </message>
    <message>
        <source>The large map shows neuron {unit} of hidden layer {layer}; click its small map again for the output.</source>
        <translation>大图显示第 {layer} 个隐藏层的第 {unit} 个神经元；再次单击它的小图可回到输出。</translation>
    </message>
    <message>
        <source>Confusion matrix, test data</source>
        <translation>混淆矩阵（测试数据）</translation>
    </message>
    <message>
        <source>Confusion matrix, training data</source>
        <translation>混淆矩阵（训练数据）</translation>
    </message>
</context>
<context>
    <name>TimelineBar</name>
    <message>
        <source>Timeline</source>
        <translation>时间轴</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>回放</translation>
    </message>
    <message>
        <source>Play the recorded epochs at the pace</source>
        <translation>按当前速度播放记录下的轮次</translation>
    </message>
    <message>
        <source>Drag to see any recorded epoch in every panel</source>
        <translation>拖动以在所有面板中查看任一记录的轮次</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>Show where training is</source>
        <translation>显示训练当前所在之处</translation>
    </message>
    <message>
        <source>Continue from here</source>
        <translation>从这里继续</translation>
    </message>
    <message>
        <source>Go back to this epoch&apos;s state and train on from it (undoable)</source>
        <translation>回到这一轮的状态并从这里继续训练（可撤销）</translation>
    </message>
    <message>
        <source>Showing epoch {epoch} (training at {live})</source>
        <translation>显示第 {epoch} 轮（训练在第 {live} 轮）</translation>
    </message>
    <message>
        <source>Live: epoch {epoch}</source>
        <translation>实时：第 {epoch} 轮</translation>
    </message>
    <message>
        <source>(kept every {gap} epochs to stay within 64 MB)</source>
        <translation>（为不超过 64 MB，每 {gap} 轮保留一帧）</translation>
    </message>
</context>
<context>
    <name>TrainingPanel</name>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Logarithmic loss axis</source>
        <translation>损失轴使用对数刻度</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>R²</source>
        <translation>R²</translation>
    </message>
    <message>
        <source>Loss (training)</source>
        <translation>损失（训练）</translation>
    </message>
    <message>
        <source>Loss (test)</source>
        <translation>损失（测试）</translation>
    </message>
    <message>
        <source>{score} (test)</source>
        <translation>{score}（测试）</translation>
    </message>
    <message>
        <source>training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Loss curve (PNG)…</source>
        <translation>损失曲线（PNG）…</translation>
    </message>
    <message>
        <source>Export loss curve</source>
        <translation>导出损失曲线</translation>
    </message>
    <message>
        <source>epoch {epoch}, loss {loss:.6g}</source>
        <translation>第 {epoch} 轮，损失 {loss:.6g}</translation>
    </message>
    <message>
        <source>, test {loss:.6g}</source>
        <translation>，测试 {loss:.6g}</translation>
    </message>
</context>
<context>
    <name>TrainingToolBar</name>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <source>Train on one batch</source>
        <translation>用一个批次训练一步</translation>
    </message>
    <message>
        <source>Step epoch</source>
        <translation>单轮</translation>
    </message>
    <message>
        <source>Finish the current epoch</source>
        <translation>完成当前这一轮</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Back to the initial weights and epoch 0</source>
        <translation>回到初始权重和第 0 轮</translation>
    </message>
    <message>
        <source>Train until this epoch</source>
        <translation>训练到这一轮为止</translation>
    </message>
    <message>
        <source> Epochs </source>
        <translation> 轮数 </translation>
    </message>
    <message>
        <source>  Learning rate </source>
        <translation>  学习率 </translation>
    </message>
    <message>
        <source>  Pace </source>
        <translation>  速度 </translation>
    </message>
    <message>
        <source>Epoch {epoch} / {total}</source>
        <translation>第 {epoch} / {total} 轮</translation>
    </message>
    <message>
        <source>Loss {loss}</source>
        <translation>损失 {loss}</translation>
    </message>
    <message>
        <source>{rate} epochs/s</source>
        <translation>{rate} 轮/秒</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
</context>
<context>
    <name>UndoCommands</name>
    <message>
        <source>Set {name} to {value:g}</source>
        <translation>将 {name} 设为 {value:g}</translation>
    </message>
    <message>
        <source>Continue from epoch {epoch}</source>
        <translation>从第 {epoch} 轮继续</translation>
    </message>
    <message>
        <source>Set learning rate to {value:g}</source>
        <translation>将学习率设为 {value:g}</translation>
    </message>
</context>
<context>
    <name>ValueEditor</name>
    <message>
        <source>New value of {name}; Enter applies, Escape cancels</source>
        <translation>{name} 的新值；Enter 应用，Esc 取消</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The language changes when fcviz starts again.</source>
        <translation>重新启动 fcviz 后才会切换语言。</translation>
    </message>
    <message>
        <source>Opening {path}…</source>
        <translation>正在打开 {path}…</translation>
    </message>
    <message>
        <source>Cannot open {path}</source>
        <translation>无法打开 {path}</translation>
    </message>
</context>
<context>
    <name>lessons</name>
    <message>
        <source>Scatter input</source>
        <translation>散点输入</translation>
    </message>
    <message>
        <source>Twelve clothes sizes on the x axis; a dot at 1 means the size fits, at 0 that it does not. Only the middle sizes fit, so the network has to learn a &lt;b&gt;bump&lt;/b&gt;: low, then high, then low again. The line is the network&apos;s prediction for every size.</source>
        <translation>横轴是 12 个衣服尺码；点在 1 表示这个尺码合身，在 0 表示不合身。只有中间的尺码合身，所以网络要学会一个&lt;b&gt;凸起&lt;/b&gt;：先低、再高、又变低。曲线是网络对每个尺码的预测。</translation>
    </message>
    <message>
        <source>Forward calculation</source>
        <translation>前向计算</translation>
    </message>
    <message>
        <source>A size x enters the network. Each hidden unit computes z = w·x + b and passes it through the sigmoid a = 1/(1+e&lt;sup&gt;−z&lt;/sup&gt;); the output unit does the same with the two hidden values. Two hidden units are just enough for a bump: one rising edge and one falling edge.</source>
        <translation>尺码 x 进入网络。每个隐藏单元计算 z = w·x + b，再经过 sigmoid 得到 a = 1/(1+e&lt;sup&gt;−z&lt;/sup&gt;)；输出单元对两个隐藏值做同样的计算。两个隐藏单元刚好够组成一个凸起：一个上升沿，一个下降沿。</translation>
    </message>
    <message>
        <source>Parameter initialization</source>
        <translation>参数初始化</translation>
    </message>
    <message>
        <source>The seven parameters start at the lab&apos;s values: w11_1 = 0.1, b1_1 = 0.6, w12_1 = 0.9, b2_1 = −1.5, w11_2 = 0.1, w21_2 = 0.9, b1_2 = 0.2. Type another value into the table to see how the starting curve moves.</source>
        <translation>七个参数从实验给定的值开始：w11_1 = 0.1，b1_1 = 0.6，w12_1 = 0.9，b2_1 = −1.5，w11_2 = 0.1，w21_2 = 0.9，b1_2 = 0.2。在表格里输入别的值，看看初始曲线怎样变化。</translation>
    </message>
    <message>
        <source>Loss function</source>
        <translation>损失函数</translation>
    </message>
    <message>
        <source>How wrong is the network? The mean squared error averages (y − ŷ)&lt;sup&gt;2&lt;/sup&gt; over the twelve sizes. Training means making this one number small; here you can pick another loss and optimizer.</source>
        <translation>网络错得有多厉害？均方误差把 (y − ŷ)&lt;sup&gt;2&lt;/sup&gt; 在 12 个尺码上取平均。训练就是让这一个数变小；在这里可以换用别的损失函数和优化器。</translation>
    </message>
    <message>
        <source>Iterate</source>
        <translation>开始迭代</translation>
    </message>
    <message>
        <source>One epoch = one forward pass over all twelve sizes, one loss, one update of every parameter (learning rate 0.5). Press &lt;b&gt;Try it&lt;/b&gt; to run the 5000 epochs and watch the loss fall.</source>
        <translation>一轮 = 对全部 12 个尺码做一次前向计算，算一次损失，把每个参数更新一次（学习率 0.5）。点击&lt;b&gt;试一试&lt;/b&gt;运行 5000 轮，看损失如何下降。</translation>
    </message>
    <message>
        <source>Backpropagation</source>
        <translation>反向传播</translation>
    </message>
    <message>
        <source>The chain rule gives the slope ∂L/∂w of the loss for every parameter, from the output back to the first layer. Gradient descent moves each parameter a little against its slope: w ← w − 0.5·∂L/∂w.</source>
        <translation>链式法则从输出层一直倒推回第一层，求出损失对每个参数的斜率 ∂L/∂w。梯度下降让每个参数沿斜率的反方向移动一小步：w ← w − 0.5·∂L/∂w。</translation>
    </message>
    <message>
        <source>Display frequency</source>
        <translation>显示频率设置</translation>
    </message>
    <message>
        <source>Drawing every epoch would be slow and flickery, so the plots show epoch 1 and then every 100 epochs. Choose 1 to watch each step, or 1000 to train faster.</source>
        <translation>每一轮都重绘会又慢又闪，所以图表先显示第 1 轮，之后每 100 轮显示一次。选 1 可以看清每一步，选 1000 训练得更快。</translation>
    </message>
    <message>
        <source>Gradient-descent display</source>
        <translation>梯度下降显示</translation>
    </message>
    <message>
        <source>The loss curve drops fast at first, then creeps along a plateau, then drops again when the bump forms. The table beside it shows every parameter as gradient descent moves it. Press &lt;b&gt;Try it&lt;/b&gt; to start again from the initial values.</source>
        <translation>损失曲线一开始下降很快，接着在平台上缓慢爬行，等凸起形成时又再次下降。旁边的表格显示每个参数在梯度下降中的变化。点击&lt;b&gt;试一试&lt;/b&gt;从初始值重新开始。</translation>
    </message>
    <message>
        <source>The loss surface</source>
        <translation>损失曲面</translation>
    </message>
    <message>
        <source>The colours are the loss over two parameters, all the others held at their current values; the white line is the path gradient descent took and the orange arrow points downhill (−∂L/∂w). Choose &lt;b&gt;Curve&lt;/b&gt; to see one parameter: the tangent&apos;s slope is ∂L/∂w and the red arrow is the step −0.5·∂L/∂w. Click the surface to move the two parameters there.</source>
        <translation>颜色表示两个参数上的损失，其余参数保持当前值；白线是梯度下降走过的路径，橙色箭头指向下坡方向（−∂L/∂w）。选择&lt;b&gt;曲线&lt;/b&gt;可查看单个参数：切线的斜率就是 ∂L/∂w，红色箭头是一步 −0.5·∂L/∂w。点击曲面即可把这两个参数移到那里。</translation>
    </message>
    <message>
        <source>Noisy points on a line</source>
        <translation>直线附近的噪声点</translation>
    </message>
    <message>
        <source>80 points y = 3x + 1 plus noise. The network&apos;s line starts flat and should end along the true line y = 3x + 1.</source>
        <translation>80 个点，y = 3x + 1 再加上噪声。网络的直线从水平开始，最后应当和真实直线 y = 3x + 1 重合。</translation>
    </message>
    <message>
        <source>One linear neuron</source>
        <translation>一个线性神经元</translation>
    </message>
    <message>
        <source>A single Dense(1) with no activation computes ŷ = w·x + b: exactly a straight line, so w should reach about 3 and b about 1.</source>
        <translation>一个没有激活函数的 Dense(1) 计算 ŷ = w·x + b，正好是一条直线，所以 w 应当接近 3，b 接近 1。</translation>
    </message>
    <message>
        <source>Momentum in batches of 16</source>
        <translation>动量法，每批 16 个</translation>
    </message>
    <message>
        <source>Each step uses 16 points, so an epoch is 5 steps; momentum (0.9) keeps part of the previous step. Press &lt;b&gt;Try it&lt;/b&gt; for one epoch at a time.</source>
        <translation>每一步用 16 个点，所以一轮是 5 步；动量（0.9）保留上一步的一部分。点击&lt;b&gt;试一试&lt;/b&gt;每次训练一轮。</translation>
    </message>
    <message>
        <source>Setosa or not</source>
        <translation>是不是山鸢尾</translation>
    </message>
    <message>
        <source>Petal length and width of 150 irises. Setosa flowers have small petals and sit apart from the rest: a straight line can separate them.</source>
        <translation>150 朵鸢尾花的花瓣长度和宽度。山鸢尾的花瓣小，和其他花分得很开：一条直线就能把它们分开。</translation>
    </message>
    <message>
        <source>A step-function neuron</source>
        <translation>阶跃函数神经元</translation>
    </message>
    <message>
        <source>The neuron outputs 1 when w1·x1 + w2·x2 + b ≥ 0, else 0. The step has no slope, so it learns with the perceptron rule: after a mistake, w ← w + lr·(y − ŷ)·x.</source>
        <translation>当 w1·x1 + w2·x2 + b ≥ 0 时神经元输出 1，否则输出 0。阶跃函数没有斜率，所以用感知机规则学习：每次分错后，w ← w + lr·(y − ŷ)·x。</translation>
    </message>
    <message>
        <source>Zero errors</source>
        <translation>零错误</translation>
    </message>
    <message>
        <source>Because the classes are separable, the rule stops changing the weights once every flower is on the right side; the loss reaches exactly 0.</source>
        <translation>因为两类是线性可分的，一旦每朵花都落在正确的一侧，规则就不再改变权重；损失恰好变为 0。</translation>
    </message>
    <message>
        <source>Curves and slopes</source>
        <translation>曲线与斜率</translation>
    </message>
    <message>
        <source>Left: each activation f(x); right: its derivative f′(x), the factor backpropagation multiplies by. Sigmoid and tanh flatten out for large |x| (tiny slopes, slow learning); relu has slope 1 or 0; heaviside has no useful slope at all.</source>
        <translation>左边是各个激活函数 f(x)；右边是它的导数 f′(x)，也就是反向传播时要乘上的因子。|x| 较大时 sigmoid 和 tanh 变得平坦（斜率很小，学得慢）；relu 的斜率是 1 或 0；heaviside 根本没有可用的斜率。</translation>
    </message>
    <message>
        <source>Your own activation</source>
        <translation>你自己的激活函数</translation>
    </message>
    <message>
        <source>Type an expression in x such as x*sigmoid(x) or x**2. fcviz derives it symbolically and draws both curves; a mistake is explained under the field.</source>
        <translation>输入一个关于 x 的表达式，例如 x*sigmoid(x) 或 x**2。fcviz 会用符号方法求导并画出两条曲线；写错的地方会在输入框下方说明。</translation>
    </message>
    <message>
        <source>Try it on the clothes lab</source>
        <translation>在衣服尺码实验上试一试</translation>
    </message>
    <message>
        <source>The window trains the clothes sizes with four hidden units. Choose an activation, press &lt;b&gt;Use in hidden layers&lt;/b&gt;, then train and compare the loss curves.</source>
        <translation>窗口用四个隐藏单元训练衣服尺码数据。选一个激活函数，点击&lt;b&gt;用于隐藏层&lt;/b&gt;，然后训练并比较损失曲线。</translation>
    </message>
    <message>
        <source>What Dense computes</source>
        <translation>Dense 层计算什么</translation>
    </message>
    <message>
        <source>Dense(5) on 10 inputs is relu(x·W + b) with a 10×5 kernel W. With all weights 1 and no bias, every unit adds the inputs 1+1+3+1+2+1+1+1+1+2 = 14.</source>
        <translation>10 个输入上的 Dense(5) 就是 relu(x·W + b)，其中 W 是 10×5 的权重矩阵。权重全为 1、没有偏置时，每个单元都把输入加起来：1+1+3+1+2+1+1+1+1+2 = 14。</translation>
    </message>
    <message>
        <source>Counting parameters</source>
        <translation>数一数参数</translation>
    </message>
    <message>
        <source>10×5 weights plus 5 biases = 55 parameters. For the network 20-64-32-5 the same count gives 1344 + 2080 + 165 = 3589.</source>
        <translation>10×5 个权重加 5 个偏置 = 55 个参数。对 20-64-32-5 的网络同样计算，得到 1344 + 2080 + 165 = 3589。</translation>
    </message>
    <message>
        <source>A custom activation</source>
        <translation>自定义激活函数</translation>
    </message>
    <message>
        <source>Choose custom… and type x**2. Keras applies the activation after the sum: four inputs [1, 2, 3, 1] into two units with all-ones weights and bias 1 give (1+2+3+1+1)² = 64 in each unit.</source>
        <translation>选择“自定义…”并输入 x**2。Keras 在求和之后才应用激活函数：四个输入 [1, 2, 3, 1] 送入两个权重全为 1、偏置为 1 的单元，每个单元得到 (1+2+3+1+1)² = 64。</translation>
    </message>
    <message>
        <source>1000 samples of y = 2·x1 + 3·x2 + 4 with a little noise. With two inputs the plot shows the network&apos;s output over the (x1, x2) plane.</source>
        <translation>y = 2·x1 + 3·x2 + 4 加少量噪声的 1000 个样本。有两个输入时，图中显示网络在 (x1, x2) 平面上的输出。</translation>
    </message>
    <message>
        <source>Adam finds the plane</source>
        <translation>Adam 找到这个平面</translation>
    </message>
    <message>
        <source>One linear neuron, Adam, 400 epochs: the kernel goes to 2 and 3 and the bias to 4. Watch them in the parameter table.</source>
        <translation>一个线性神经元，Adam 优化，400 轮：权重趋向 2 和 3，偏置趋向 4。在参数表里观察它们。</translation>
    </message>
    <message>
        <source>No straight line will do</source>
        <translation>直线分不开</translation>
    </message>
    <message>
        <source>The classes sit in opposite quadrants. One neuron can only draw a straight boundary; the background shows what the network predicts.</source>
        <translation>两类分布在相对的象限。一个神经元只能画出直的分界线；背景颜色显示网络的预测。</translation>
    </message>
    <message>
        <source>Hidden units bend the boundary</source>
        <translation>隐藏单元让分界线弯折</translation>
    </message>
    <message>
        <source>Four tanh units each draw a line; the output unit combines them into a bent boundary.</source>
        <translation>四个 tanh 单元各画一条直线；输出单元把它们组合成一条弯折的分界线。</translation>
    </message>
    <message>
        <source>A closed boundary</source>
        <translation>闭合的分界线</translation>
    </message>
    <message>
        <source>A disc inside a ring: the boundary must go all the way round. Train and watch the coloured background close into a loop.</source>
        <translation>圆环里面套着一个圆盘：分界线必须绕一整圈。开始训练，看彩色背景如何合拢成一个圈。</translation>
    </message>
    <message>
        <source>Two spirals</source>
        <translation>两条螺旋线</translation>
    </message>
    <message>
        <source>The hardest playground: two interleaved spirals need two hidden layers of 8 units and about 1000 epochs.</source>
        <translation>最难的练习：两条交错的螺旋线需要两个各有 8 个单元的隐藏层，训练大约 1000 轮。</translation>
    </message>
    <message>
        <source>Change the architecture</source>
        <translation>改变网络结构</translation>
    </message>
    <message>
        <source>Remove a hidden layer or use fewer units and train again: the boundary can no longer follow the arms.</source>
        <translation>去掉一个隐藏层或减少单元数再训练：分界线就再也跟不上螺旋的两臂了。</translation>
    </message>
    <message>
        <source>Three classes</source>
        <translation>三个类别</translation>
    </message>
    <message>
        <source>Four measurements, three species. The output layer has one unit per species with softmax, so the outputs are probabilities that sum to 1, and the loss is the categorical cross-entropy.</source>
        <translation>四项测量值，三个品种。输出层每个品种一个单元并使用 softmax，所以输出是和为 1 的概率，损失函数是分类交叉熵。</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Train and watch the accuracy beside the loss curve: after 200 epochs about 98% of the flowers are classified correctly.</source>
        <translation>开始训练，观察损失曲线旁边的准确率：200 轮后大约 98% 的花被正确分类。</translation>
    </message>
    <message>
        <source>The digits it gets wrong</source>
        <translation>认错的数字</translation>
    </message>
    <message>
        <source>Every image is labelled with its true digit and the network&apos;s guess; red frames mark the mistakes. Tick &lt;b&gt;Only mistakes&lt;/b&gt; to see which digits look alike to the network.</source>
        <translation>每张图像都标注了真实数字和网络的判断；红框表示认错的。勾选&lt;b&gt;只看错误&lt;/b&gt;，看看在网络眼里哪些数字长得像。</translation>
    </message>
    <message>
        <source>Each output is scored with the binary cross-entropy, the cost of logistic regression. After 30 epochs more than 99% of the training digits are recognised.</source>
        <translation>每个输出都用二元交叉熵来评分，也就是逻辑回归的代价函数。30 轮后，训练集中超过 99% 的数字被正确识别。</translation>
    </message>
    <message>
        <source>64 pixels in, 10 digits out</source>
        <translation>输入 64 个像素，输出 10 个数字</translation>
    </message>
    <message>
        <source>A plane through the data</source>
        <translation>穿过数据的平面</translation>
    </message>
    <message>
        <source>Each 8×8 image is 64 inputs between 0 and 1. 25 sigmoid hidden units feed 10 sigmoid outputs, one per digit; the target is 1 for the right digit and 0 for the others.</source>
        <translation>每张 8×8 的图像是 64 个介于 0 和 1 之间的输入。25 个 sigmoid 隐藏单元连到 10 个 sigmoid 输出，每个数字一个；正确数字的目标是 1，其余是 0。</translation>
    </message>
    <message>
        <source>The logistic cost</source>
        <translation>逻辑回归代价</translation>
    </message>
</context>
<context>
    <name>loading</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Opening</source>
        <translation>正在打开</translation>
    </message>
</context>
<context>
    <name>presets</name>
    <message>
        <source>Clothes size → fits</source>
        <translation>衣服尺码 → 是否合身</translation>
    </message>
    <message>
        <source>12 clothes sizes, fits (1) or not (0); a 1-2-1 sigmoid network learns the bump with plain gradient descent on the mean squared error.</source>
        <translation>12 个衣服尺码，合身（1）或不合身（0）；一个 1-2-1 的 sigmoid 网络用普通梯度下降最小化均方误差，学会中间凸起的形状。</translation>
    </message>
    <message>
        <source>Linear regression</source>
        <translation>线性回归</translation>
    </message>
    <message>
        <source>80 noisy points around y = 3x + 1; one linear neuron, momentum, batches of 16: w → 3 and b → 1 within 10 epochs.</source>
        <translation>y = 3x + 1 附近的 80 个带噪声的点；一个线性神经元，动量优化，每批 16 个：10 轮之内 w → 3、b → 1。</translation>
    </message>
    <message>
        <source>Perceptron</source>
        <translation>感知机</translation>
    </message>
    <message>
        <source>Iris petal length and width, setosa or not; one step-function neuron trained with the perceptron rule reaches zero errors.</source>
        <translation>鸢尾花的花瓣长度和宽度，判断是否为山鸢尾；一个阶跃函数神经元用感知机规则训练，最终零错误。</translation>
    </message>
    <message>
        <source>Activation functions</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>Sigmoid, tanh, relu, leaky relu, elu, softplus, heaviside and your own expression side by side, with their derivatives; try each one on the clothes lab&apos;s hidden layer.</source>
        <translation>并排比较 sigmoid、tanh、relu、leaky relu、elu、softplus、heaviside 和你自己的表达式及其导数；再把每一个用到衣服尺码实验的隐藏层上试试。</translation>
    </message>
    <message>
        <source>Keras Dense semantics</source>
        <translation>Keras Dense 层的语义</translation>
    </message>
    <message>
        <source>A 10→5 relu layer with all-ones weights and zero bias: input [1,1,3,1,2,1,1,1,1,2] gives 14 in every unit.</source>
        <translation>一个 10→5 的 relu 层，权重全为 1、偏置为 0：输入 [1,1,3,1,2,1,1,1,1,2] 时每个单元都输出 14。</translation>
    </message>
    <message>
        <source>Plane regression</source>
        <translation>平面回归</translation>
    </message>
    <message>
        <source>1000 samples of y = 2·x1 + 3·x2 + 4 + noise; one linear neuron with Adam finds 2, 3, 4.</source>
        <translation>y = 2·x1 + 3·x2 + 4 + 噪声 的 1000 个样本；一个线性神经元用 Adam 找到 2、3、4。</translation>
    </message>
    <message>
        <source>XOR</source>
        <translation>异或（XOR）</translation>
    </message>
    <message>
        <source>Two classes in opposite quadrants; a 2-4-1 tanh network bends the boundary.</source>
        <translation>两个类别分布在相对的象限；一个 2-4-1 的 tanh 网络把分界线弯折。</translation>
    </message>
    <message>
        <source>Circles</source>
        <translation>同心圆</translation>
    </message>
    <message>
        <source>A disc inside a ring; a 2-4-1 tanh network draws a closed boundary.</source>
        <translation>圆环里面套着一个圆盘；一个 2-4-1 的 tanh 网络画出一条闭合的分界线。</translation>
    </message>
    <message>
        <source>Spiral</source>
        <translation>螺旋</translation>
    </message>
    <message>
        <source>Two interleaved spirals; a 2-8-8-1 tanh network untangles them.</source>
        <translation>两条交错的螺旋线；一个 2-8-8-1 的 tanh 网络把它们分开。</translation>
    </message>
    <message>
        <source>Iris</source>
        <translation>鸢尾花</translation>
    </message>
    <message>
        <source>150 flowers, 4 measurements, 3 species; softmax and cross-entropy.</source>
        <translation>150 朵花，4 项测量值，3 个品种；softmax 与交叉熵。</translation>
    </message>
    <message>
        <source>Digits</source>
        <translation>手写数字</translation>
    </message>
    <message>
        <source>1797 handwritten digits of 8×8 pixels; 64-25-10 sigmoid with the logistic (binary cross-entropy) cost on one-hot targets.</source>
        <translation>1797 个 8×8 像素的手写数字；64-25-10 的 sigmoid 网络，独热编码目标，使用逻辑回归代价（二元交叉熵）。</translation>
    </message>
</context>
</TS>
