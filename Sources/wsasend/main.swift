import WSASendTool
print(WSASendToolVersion.string)
