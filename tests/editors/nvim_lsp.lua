-- tests/editors/nvim_lsp.lua: Neovim's built-in LSP client against `govc lsp` (run by
-- tests/editors/nvim_lsp.sh). Writes "ok - NAME" / "not ok - NAME" lines to $OUT.
local govc, out, work = os.getenv('GOVC'), os.getenv('OUT'), os.getenv('WORK')
local lines = {}
local function say(ok, name, why)
  table.insert(lines, (ok and 'ok - ' or 'not ok - ') .. name)
  if not ok then table.insert(lines, '# ' .. vim.inspect(why):gsub('\n', '\n# ')) end
end
local function finish()
  local f = io.open(out, 'w')
  f:write(table.concat(lines, '\n') .. '\n')
  f:close()
  vim.cmd('qa!')
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. work .. '/support/support.gov')
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({ name = 'govc', cmd = { govc, 'lsp' }, root_dir = work,
                                    init_options = { stdDir = work .. '/std' } })
  vim.lsp.buf_attach_client(buf, id)
  local client = vim.lsp.get_client_by_id(id)
  vim.wait(10000, function() return client.initialized end, 20)
  say(client.initialized and client.server_capabilities.hoverProvider, 'Neovim starts govc lsp and initializes it',
      client.server_capabilities)

  -- Loosen acme's cost_cap in the buffer (an incremental change): E050 on that line.
  local text = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local row
  for i, l in ipairs(text) do if l:find('cost_cap = %$0%.10') then row = i - 1 end end
  vim.api.nvim_buf_set_lines(buf, row, row + 1, false, { '  cost_cap = $0.20' })
  local got = vim.wait(10000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
  local d = vim.diagnostic.get(buf)
  say(got and #d == 1 and d[1].code == 'E050' and d[1].lnum == row and d[1].col == 2,
      'an edit in the buffer gets E050 on its line', d)

  -- The quick fix, applied, clears it.
  local params = vim.lsp.util.make_range_params()
  params.range = { start = { line = row, character = 0 }, ['end'] = { line = row, character = 18 } }
  params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, row) }
  local r = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 5000)
  local action = r and r[id] and r[id].result and r[id].result[1]
  if action then vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16') end
  local fixed = vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1]
  local cleared = vim.wait(10000, function() return #vim.diagnostic.get(buf) == 0 end, 20)
  say(action and fixed == '  cost_cap = $0.12' and cleared, 'the E050 quick fix applies and clears it',
      { action, fixed })

  -- Hover on latency_budget's declaration: the table of values in force.
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if l:find('^max latency_budget') then row = i - 1 end
  end
  r = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = row, character = 6 } }, 5000)
  local v = r and r[id] and r[id].result and r[id].result.contents.value or ''
  say(v:find('| tenant "acme" / project "billing" / agent "triage-bot" | 800ms | agent "triage-bot", support.gov:37 |',
             1, true) ~= nil, 'hover shows the value in force per scope', v)

  -- Definition of run.latency: the std module, written out.
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if l:find('run%.latency') then row = i - 1 end
  end
  local col = vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1]:find('latency', 1, true)
  r = vim.lsp.buf_request_sync(buf, 'textDocument/definition', {
    textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = row, character = col } }, 5000)
  local loc = r and r[id] and r[id].result
  say(loc and loc.uri and loc.uri:find('/agent_run%.gov$') ~= nil, 'definition of a field goes into std/agent_run.gov', loc)

  -- A file of a multi-file policy: no false errors, the warning on its sibling.
  vim.cmd('edit ' .. work .. '/multi/rules/rules.gov')
  local rb = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(rb, id)
  local lb = vim.uri_to_bufnr(vim.uri_from_fname(work .. '/multi/limits.gov'))
  got = vim.wait(10000, function() return #vim.diagnostic.get(lb) > 0 end, 20)
  local dl, dr = vim.diagnostic.get(lb), vim.diagnostic.get(rb)
  say(got and #dr == 0 and #dl == 1 and dl[1].code == 'W001', 'rules.gov has no false errors; limits.gov its warning',
      { dl, dr })

  -- Rename from rules.gov (vim.lsp.buf.rename, prepareRename first): both files of the
  -- policy are edited, limits.gov in a buffer Neovim loads for it.
  for i, l in ipairs(vim.api.nvim_buf_get_lines(rb, 0, -1, false)) do
    if l:find('> latency_budget') then row = i - 1 end
  end
  col = vim.api.nvim_buf_get_lines(rb, row, row + 1, false)[1]:find('latency_budget', 1, true)
  vim.api.nvim_win_set_cursor(0, { row + 1, col })
  vim.lsp.buf.rename('slow_after')
  local function count(b, w)
    local n = 0
    for _, l in ipairs(vim.api.nvim_buf_get_lines(b, 0, -1, false)) do
      for _ in l:gmatch(w) do n = n + 1 end
    end
    return n
  end
  got = vim.wait(10000, function() return count(rb, 'slow_after') == 2 and count(lb, 'slow_after') == 1 end, 20)
  say(got and count(rb, 'latency_budget') == 0 and count(lb, 'latency_budget') == 0,
      'rename edits every file of the policy', { vim.api.nvim_buf_get_lines(rb, 0, -1, false),
                                                 vim.api.nvim_buf_get_lines(lb, 0, -1, false) })

  vim.lsp.stop_client(id)
  vim.wait(5000, function() return vim.lsp.get_client_by_id(id) == nil end, 20)
end)
if not ok then say(false, 'the Neovim LSP session', err) end
finish()
