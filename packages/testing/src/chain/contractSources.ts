/**
 * Solidity sources of the contracts the local chain deploys. Written for tests: small, readable,
 * no upgradeability, no access control beyond what a test needs.
 */
export const contractSources = {
  "TestSmartWallet.sol": `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A contract account that accepts EIP-191 signatures of its owner (EIP-1271), and can be told to refuse.
contract TestSmartWallet {
    address public immutable owner;
    address public immutable admin;
    bool public refuse;

    constructor(address owner_) {
        owner = owner_;
        admin = tx.origin;
    }

    function setRefuse(bool value) external {
        require(msg.sender == owner || msg.sender == admin, "not allowed");
        refuse = value;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (refuse || signature.length != 65) return 0xffffffff;
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly {
            r := calldataload(signature.offset)
            s := calldataload(add(signature.offset, 32))
            v := byte(0, calldataload(add(signature.offset, 64)))
        }
        if (v < 27) v += 27;
        address signer = ecrecover(hash, v, r, s);
        if (signer != address(0) && signer == owner) return 0x1626ba7e;
        return 0xffffffff;
    }
}

/// Deploys TestSmartWallet with CREATE2, so an address is known before deployment (EIP-6492).
contract TestSmartWalletFactory {
    function deploy(address owner_, bytes32 salt) external returns (address wallet) {
        address predicted = predict(owner_, salt);
        if (predicted.code.length > 0) return predicted;
        wallet = address(new TestSmartWallet{salt: salt}(owner_));
    }

    function predict(address owner_, bytes32 salt) public view returns (address) {
        bytes32 initHash = keccak256(abi.encodePacked(type(TestSmartWallet).creationCode, abi.encode(owner_)));
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, initHash)))));
    }
}
`,
  "TestToken.sol": `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A plain ERC-20 with open minting, for tests.
contract TestToken {
    string public name;
    string public symbol;
    uint8 public immutable decimals;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(string memory name_, string memory symbol_, uint8 decimals_) {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
    }

    function mint(address to, uint256 value) external {
        totalSupply += value;
        balanceOf[to] += value;
        emit Transfer(address(0), to, value);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        require(allowed >= value, "allowance");
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - value;
        _move(from, to, value);
        return true;
    }

    function _move(address from, address to, uint256 value) private {
        require(balanceOf[from] >= value, "balance");
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}
`,
  "TestMulticall3.sol": `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// The subset of Multicall3 that viem's multicall uses (aggregate3) plus getEthBalance.
contract TestMulticall3 {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory results) {
        results = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool ok, bytes memory data) = calls[i].target.call(calls[i].callData);
            require(ok || calls[i].allowFailure, "Multicall3: call failed");
            results[i] = Result(ok, data);
        }
    }

    function getEthBalance(address account) external view returns (uint256) {
        return account.balance;
    }
}
`,
} as const;
